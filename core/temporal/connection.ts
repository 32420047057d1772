import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config';
import { AesGcmPayloadCodec, COMPRESS_FROM_BYTES, resolveEncryptionKeys } from './codec';
import type { DefinitionReferenceCodec } from './definition-references';

/**
 * The payload codec every Candor client and worker uses: AES-256-GCM with the configured keys, large payloads compressed
 * first with TEMPORAL_PAYLOAD_COMPRESSION=on. Every codec reads both forms.
 */
export function createPayloadCodec(config: Pick<Config, 'encryptionKeys' | 'database'> & Partial<Pick<Config, 'payloadCompression'>>): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(resolveEncryptionKeys(config.encryptionKeys, config.database.dataDir), config.payloadCompression === true ? COMPRESS_FROM_BYTES : false);
}

/**
 * Opens a client connection to the configured Temporal server and namespace, encrypting payloads. With tracing on
 * (OTEL_EXPORTER_OTLP_ENDPOINT), starting or signalling a workflow carries the active span in the workflow's headers.
 */
export async function connectTemporalClient(
  config: Pick<Config, 'temporal' | 'encryptionKeys' | 'database'> & Partial<Pick<Config, 'tracing' | 'payloadCompression'>>,
  options: { definitions?: DefinitionReferenceCodec } = {},
): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  const interceptors = config.tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {};
  // Definition references (ingest) go in before encryption and come out after it.
  const payloadCodecs = [...(options.definitions ? [options.definitions] : []), createPayloadCodec(config)];
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs }, ...interceptors });
}

/** Asks Temporal for the namespace over gRPC; resolves when the server answers. */
export async function pingTemporal(client: Client, namespace: string): Promise<void> {
  await client.workflowService.describeNamespace({ namespace });
}
