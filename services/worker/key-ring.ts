import { Connection } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { payloadKeyId, type AesGcmPayloadCodec } from '../../core/temporal/codec';

/** Thrown at start when journeys on the server need a key this worker does not hold. */
export class EncryptionKeyMissingError extends Error {
  override name = 'EncryptionKeyMissingError';
  constructor(
    readonly keyIds: string[],
    message: string,
  ) {
    super(message);
  }
}

/** Why payloads encrypted with `keyId` cannot be read by `codec`, in words for an operator. */
export function keyProblem(codec: AesGcmPayloadCodec, keyId: string): string {
  return codec.keyIds.includes(keyId)
    ? `encryption key "${keyId}" is configured but does not decrypt them (its key material is not the one that encrypted them)`
    : `they were encrypted with key "${keyId}", which this process's key ring (CANDOR_ENCRYPTION_KEYS, else <CANDOR_DATA_DIR>/encryption-keys) does not hold; it holds ${codec.keyIds.map((id) => `"${id}"`).join(', ')}`;
}

/** The ids of the keys behind the payloads `codec` cannot decrypt (each payload tried alone). */
async function undecryptable(codec: AesGcmPayloadCodec, payloads: Payload[]): Promise<string[]> {
  const keyIds = new Set<string>();
  for (const payload of payloads) {
    try {
      await codec.decode([payload]);
    } catch {
      keyIds.add(payloadKeyId(payload) ?? '(no key id)');
    }
  }
  return [...keyIds];
}

/**
 * The worker's codec with a watch on decryption: the first time payloads of some key cannot be read,
 * `report` is called once for that key id (one clear log line), and `failure()` says so from then on,
 * for readiness. Journeys that need a missing key cannot move until a process holding it runs.
 */
export class WatchedCodec implements PayloadCodec {
  private readonly failed = new Map<string, string>();

  constructor(
    private readonly inner: AesGcmPayloadCodec,
    private readonly report: (keyId: string, problem: string) => void,
  ) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.inner.encode(payloads);
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    try {
      return await this.inner.decode(payloads);
    } catch (error) {
      for (const keyId of await undecryptable(this.inner, payloads)) {
        if (this.failed.has(keyId)) continue;
        const problem = `cannot decrypt journey payloads: ${keyProblem(this.inner, keyId)}`;
        this.failed.set(keyId, problem);
        this.report(keyId, problem);
      }
      throw error;
    }
  }

  /** Whether a log line's text is about a decryption failure this watch has already reported. */
  isReported(text: string): boolean {
    // The SDK core's lines carry the failure in Rust's debug form, which escapes the quote: `key \"id\"`.
    return this.failed.size > 0 && /No encryption key \\?"|unable to authenticate data/.test(text);
  }

  /** Undefined while every payload decrypted; else the problem of each key that failed. */
  failure(): string | undefined {
    return this.failed.size === 0 ? undefined : [...this.failed.values()].join('; ');
  }
}

/**
 * Refuses to start a worker that could not read the journeys the server holds for its task queue: for
 * each running journey (up to `limit`, newest first) the input of its current run, the oldest payload
 * its replay needs, goes through the codec. Throws EncryptionKeyMissingError naming every missing key.
 * A server whose visibility cannot filter by task queue is not checked (the runtime watch still is).
 */
export async function checkKeyRing(options: {
  address: string;
  namespace: string;
  taskQueue: string;
  codec: AesGcmPayloadCodec;
  limit?: number;
}): Promise<{ checked: number; skipped?: string }> {
  const { namespace, codec } = options;
  const connection = await Connection.connect({ address: options.address, connectTimeout: 5000 });
  try {
    const service = connection.workflowService;
    let executions;
    try {
      ({ executions } = await service.listWorkflowExecutions({
        namespace,
        pageSize: options.limit ?? 1000,
        query: `TaskQueue = '${options.taskQueue.replace(/'/g, "\\'")}' AND ExecutionStatus = 'Running'`,
      }));
    } catch (error) {
      const code = (error as { code?: number }).code;
      // INVALID_ARGUMENT or UNIMPLEMENTED: this visibility store cannot answer the query.
      if (code === 3 || code === 12) return { checked: 0, skipped: error instanceof Error ? error.message : String(error) };
      throw error;
    }
    const missing = new Map<string, { count: number; example: string }>();
    const queue = [...executions];
    const check = async () => {
      for (let execution = queue.shift(); execution; execution = queue.shift()) {
        const { history } = await service.getWorkflowExecutionHistory({ namespace, execution: execution.execution, maximumPageSize: 1 });
        const payloads = (history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[];
        for (const keyId of await undecryptable(codec, payloads)) {
          const entry = missing.get(keyId) ?? { count: 0, example: execution.execution?.workflowId ?? '' };
          entry.count++;
          missing.set(keyId, entry);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, check));
    if (missing.size > 0) {
      const lines = [...missing].map(([keyId, { count, example }]) => `${count} of ${executions.length} running journeys checked (e.g. ${example}): ${keyProblem(codec, keyId)}`);
      throw new EncryptionKeyMissingError(
        [...missing.keys()],
        `This worker cannot decrypt the journeys Temporal holds for task queue "${options.taskQueue}" and refuses to start: ${lines.join('; ')}. ` +
          'Add the missing key back to CANDOR_ENCRYPTION_KEYS after the first (encrypting) key and start again (README: "Encryption keys").',
      );
    }
    return { checked: executions.length };
  } finally {
    await connection.close();
  }
}
