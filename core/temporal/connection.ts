import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { AesGcmPayloadCodec, resolveEncryptionKeys } from './codec';

/** The payload codec every Candor client and worker uses: AES-256-GCM with the configured keys. */
export function createPayloadCodec(config: Pick<Config, 'encryptionKeys' | 'database'>): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(resolveEncryptionKeys(config.encryptionKeys, config.database.dataDir));
}

/** Opens a client connection to the configured Temporal server and namespace, encrypting payloads. */
export async function connectTemporalClient(config: Pick<Config, 'temporal' | 'encryptionKeys' | 'database'>): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs: [createPayloadCodec(config)] } });
}

/** Asks Temporal for the namespace over gRPC; resolves when the server answers. */
export async function pingTemporal(client: Client, namespace: string): Promise<void> {
  await client.workflowService.describeNamespace({ namespace });
}
