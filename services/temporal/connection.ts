import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** Opens a client connection to the configured Temporal server and namespace. */
export async function connectTemporalClient(config: Pick<Config, 'temporal'>): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  return new Client({ connection, namespace: config.temporal.namespace });
}

/** Asks Temporal for the namespace over gRPC; resolves when the server answers. */
export async function pingTemporal(client: Client, namespace: string): Promise<void> {
  await client.workflowService.describeNamespace({ namespace });
}
