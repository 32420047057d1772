import { Semaphore, processPartitionBatch, type BatchMessage } from '../../../services/ingest/partition-batch';

type M = BatchMessage & { name: string };
const msg = (offset: number, key: string | null, name = `${key}#${offset}`): M => ({ offset: String(offset), key: key === null ? null : Buffer.from(key), name });

/** A handler whose calls the test completes one by one, so interleavings are chosen, not timed. */
function controlledHandler() {
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const started: string[] = [];
  let notify: (() => void) | undefined;
  const handle = (m: M) =>
    new Promise<void>((resolve, reject) => {
      started.push(m.name);
      pending.set(m.name, { resolve, reject });
      notify?.();
    });
  const waitStarted = async (name: string) => {
    while (!started.includes(name)) await new Promise<void>((r) => (notify = r));
  };
  return { handle, started, pending, waitStarted };
}

const base = { heartbeat: async () => undefined, isRunning: () => true, heartbeatEveryMs: 60_000 };

describe('processing one partition batch', () => {
  it('runs different applications in parallel and one application strictly in order', async () => {
    const h = controlledHandler();
    const resolved: string[] = [];
    const messages = [msg(10, 'a'), msg(11, 'b'), msg(12, 'a'), msg(13, 'c')];
    const run = processPartitionBatch({ ...base, messages, handle: h.handle, resolveOffset: (o) => resolved.push(o), limit: new Semaphore(10) });
    await h.waitStarted('c#13');
    expect(h.started).toEqual(['a#10', 'b#11', 'c#13']);
    h.pending.get('c#13')!.resolve();
    h.pending.get('b#11')!.resolve();
    await Promise.resolve();
    expect(resolved).toEqual([]); // offset 10 is unfinished, so nothing may be committed yet
    h.pending.get('a#10')!.resolve();
    await h.waitStarted('a#12');
    expect(resolved).toEqual(['11']);
    h.pending.get('a#12')!.resolve();
    await expect(run).resolves.toEqual({ status: 'done' });
    expect(resolved).toEqual(['11', '13']);
  });

  it('on a failure starts nothing new and resolves only what precedes the first unfinished message', async () => {
    const h = controlledHandler();
    const resolved: string[] = [];
    const messages = [msg(0, 'a'), msg(1, 'b'), msg(2, 'b'), msg(3, 'c')];
    const run = processPartitionBatch({ ...base, messages, handle: h.handle, resolveOffset: (o) => resolved.push(o), limit: new Semaphore(10) });
    await h.waitStarted('c#3');
    h.pending.get('a#0')!.resolve();
    h.pending.get('b#1')!.reject(new Error('Temporal unavailable'));
    h.pending.get('c#3')!.resolve();
    const outcome = await run;
    expect(outcome).toMatchObject({ status: 'failed', resolvedOffset: '0' });
    expect(h.started).not.toContain('b#2');
    expect(resolved).toEqual(['0']);
  });

  it('stops taking new messages when the consumer stops, letting in-flight ones finish', async () => {
    const h = controlledHandler();
    let running = true;
    const messages = [msg(0, 'a'), msg(1, 'a')];
    const resolved: string[] = [];
    const run = processPartitionBatch({ ...base, isRunning: () => running, messages, handle: h.handle, resolveOffset: (o) => resolved.push(o), limit: new Semaphore(10) });
    await h.waitStarted('a#0');
    running = false;
    h.pending.get('a#0')!.resolve();
    await expect(run).resolves.toEqual({ status: 'stopped', resolvedOffset: '0' });
    expect(h.started).toEqual(['a#0']);
  });

  it('reports a failed heartbeat (a rebalance) so the batch ends and kafkajs rejoins', async () => {
    const h = controlledHandler();
    const rebalance = new Error('The group is rebalancing');
    const run = processPartitionBatch({ ...base, heartbeatEveryMs: 5, heartbeat: async () => Promise.reject(rebalance), messages: [msg(0, 'a'), msg(1, 'a')], handle: h.handle, resolveOffset: () => undefined, limit: new Semaphore(10) });
    await h.waitStarted('a#0');
    await new Promise((r) => setTimeout(r, 20)); // let the heartbeat timer fire
    h.pending.get('a#0')!.resolve();
    await expect(run).resolves.toEqual({ status: 'stopped', error: rebalance, resolvedOffset: '0' });
  });

  it('keeps at most the limit of handlers in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const messages = Array.from({ length: 20 }, (_, i) => msg(i, `k${i}`));
    await processPartitionBatch({
      ...base,
      messages,
      resolveOffset: () => undefined,
      limit: new Semaphore(3),
      handle: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
      },
    });
    expect(peak).toBe(3);
  });
});
