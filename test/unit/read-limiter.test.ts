import { MAX_REST_MS, ReadLimiter, type LimiterClock } from '../../services/api/read-limiter';

/** A clock the test moves by hand: timers fire when `advance` passes their time. */
function manualClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const clock: LimiterClock & { advance(ms: number): void; set(t: number): void } = {
    now: () => now,
    setTimeout: (fn, ms) => void timers.push({ at: now + ms, fn }),
    set: (t) => void (now = t),
    advance(ms) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
    },
  };
  return clock;
}

/** Whether a promise has settled, after the microtasks queued so far ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('ReadLimiter', () => {
  it('runs `concurrency` at once, queues up to `queue` in arrival order and sheds the rest', async () => {
    const limiter = new ReadLimiter({ concurrency: 2, queue: 2, share: 1, retryAfterSeconds: 1 });
    const a = await limiter.acquire()!;
    const b = await limiter.acquire()!;
    const order: string[] = [];
    const c = limiter.acquire()!.then((release) => (order.push('c'), release));
    const d = limiter.acquire()!.then((release) => (order.push('d'), release));
    expect(limiter.acquire()).toBeUndefined();
    expect(limiter.stats()).toEqual({ active: 2, queued: 2 });

    b();
    b(); // a second release of one slot frees nothing more
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(limiter.stats()).toEqual({ active: 2, queued: 1 });
    a();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(limiter.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('rests a slot after each read so that reads take at most `share` of its time', async () => {
    const clock = manualClock();
    const limiter = new ReadLimiter({ concurrency: 1, queue: 4, share: 0.25, retryAfterSeconds: 1 }, clock);
    const first = await limiter.acquire()!;
    const next = limiter.acquire()!;
    clock.set(100); // the read took 100 ms: at 25% the slot rests 300 ms
    first();
    expect(await settled(next)).toBe(false);
    expect(limiter.stats()).toEqual({ active: 1, queued: 1 });
    clock.advance(299);
    expect(await settled(next)).toBe(false);
    clock.advance(1);
    expect(await settled(next)).toBe(true);
    (await next)(); // a read that took no time needs no rest
    expect(limiter.stats()).toEqual({ active: 0, queued: 0 });

    // A read that took 10 s (waiting, mostly) rests MAX_REST_MS, not 30 s.
    const slow = await limiter.acquire()!;
    const after = limiter.acquire()!;
    clock.advance(10_000);
    slow();
    clock.advance(MAX_REST_MS - 1);
    expect(await settled(after)).toBe(false);
    clock.advance(1);
    expect(await settled(after)).toBe(true);
  });
});
