/**
 * Processing one fetched batch of a partition: messages with different keys (applications) run in
 * parallel, messages with the same key strictly in offset order, and the partition's offset is
 * resolved only up to the last message before the first unfinished one. Kafka-free, so it is
 * unit-tested with plain objects.
 */

/** The slice of a Kafka message this module needs. */
export interface BatchMessage {
  offset: string;
  key: Buffer | null;
}

/** A shared limit on in-flight handlers across every partition of a consumer. */
export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly size: number) {
    this.available = size;
  }
  /** Waits for a slot; call the returned function to give it back. */
  async acquire(): Promise<() => void> {
    if (this.available > 0) this.available -= 1;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.available += 1;
    };
  }
}

/** How a batch ended. */
export type BatchOutcome =
  | { status: 'done' }
  /** A handler failed: later messages of its partition were not started and will be fetched again. */
  | { status: 'failed'; error: unknown; resolvedOffset: string | undefined }
  /** The consumer is stopping, or a heartbeat said the group is rebalancing. */
  | { status: 'stopped'; error?: unknown; resolvedOffset: string | undefined };

/** Runs `handle` over a batch; see the module comment for the ordering and offset rules. */
export async function processPartitionBatch<M extends BatchMessage>(options: {
  messages: readonly M[];
  handle: (message: M) => Promise<void>;
  resolveOffset: (offset: string) => void;
  isRunning: () => boolean;
  heartbeat: () => Promise<void>;
  limit: Semaphore;
  heartbeatEveryMs?: number;
}): Promise<BatchOutcome> {
  const { messages, handle, resolveOffset, isRunning, limit } = options;
  const done: boolean[] = messages.map(() => false);
  let resolvedIndex = -1;
  let failure: { error: unknown } | undefined;
  let heartbeatError: { error: unknown } | undefined;
  const stopping = () => failure !== undefined || heartbeatError !== undefined || !isRunning();

  const advance = () => {
    let i = resolvedIndex;
    while (i + 1 < messages.length && done[i + 1]) i += 1;
    if (i > resolvedIndex) {
      resolvedIndex = i;
      resolveOffset(messages[i]!.offset);
    }
  };

  const chains = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = message.key?.toString('utf8') ?? '';
    const chain = chains.get(key);
    if (chain) chain.push(index);
    else chains.set(key, [index]);
  });

  const runChain = async (indexes: number[]) => {
    for (const index of indexes) {
      if (stopping()) return;
      const release = await limit.acquire();
      try {
        if (stopping()) return;
        await handle(messages[index]!);
        done[index] = true;
        advance();
      } catch (error) {
        failure ??= { error };
        return;
      } finally {
        release();
      }
    }
  };

  // A batch can take longer than the session timeout while Temporal is slow; keep the membership alive.
  const beat = setInterval(() => {
    options.heartbeat().catch((error: unknown) => {
      heartbeatError ??= { error };
    });
  }, options.heartbeatEveryMs ?? 1000);
  try {
    await Promise.all([...chains.values()].map(runChain));
  } finally {
    clearInterval(beat);
  }

  const resolvedOffset = resolvedIndex >= 0 ? messages[resolvedIndex]!.offset : undefined;
  if (heartbeatError) return { status: 'stopped', error: heartbeatError.error, resolvedOffset };
  if (failure) return { status: 'failed', error: failure.error, resolvedOffset };
  if (resolvedIndex < messages.length - 1) return { status: 'stopped', resolvedOffset };
  return { status: 'done' };
}
