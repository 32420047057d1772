import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from './v1/errors';

/**
 * Recruiter and API reads share the process and the database with the send path (worker, ingest). A
 * burst of them must not starve it: at most `concurrency` read-heavy requests run at once, each slot
 * serves reads at most `share` of the time, up to `queue` more wait their turn (first come, first
 * served), and any beyond that are answered 503 with Retry-After at once, costing neither a query nor a
 * place in the database's queue.
 */
export interface ReadLimit {
  /** Read-heavy requests served at the same time. */
  concurrency: number;
  /** Requests that may wait for a slot; one more is shed with 503. */
  queue: number;
  /**
   * The most of its time a slot spends serving reads (0 < share <= 1): after a read that took d ms its
   * slot rests d × (1 − share) / share ms (at most MAX_REST_MS) before the next read. Concurrency alone
   * is not enough: readers that poll back to back keep every slot busy, and a slot busy all the time is
   * a share of the one process (and the one PGlite) that the send path no longer has.
   */
  share: number;
  /** The Retry-After (seconds) a shed request is given. */
  retryAfterSeconds: number;
}

/**
 * The longest rest after one read: a read that was slow because it waited (a workflow query to a busy
 * worker) cost the process little, and must not hold its slot for long after.
 */
export const MAX_REST_MS = 1000;

/** The clock the limiter rests slots by (tests give their own). */
export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): void;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    // A resting slot must not keep a closing process alive.
    setTimeout(fn, ms).unref();
  },
};

/** The read-heavy routes (GET, Fastify's route syntax): the outbox, the board and one application's status and timeline. */
export const READ_HEAVY_ROUTES: readonly string[] = ['/api/v1/outbox', '/api/v1/applications', '/api/v1/applications/:applicationId'];

/** A counting semaphore with a bounded first-come-first-served queue, whose slots rest after each use to keep to their share. */
export class ReadLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(
    readonly limit: ReadLimit,
    private readonly clock: LimiterClock = realClock,
  ) {}

  /** How many slots are taken (serving a read or resting after one) and how many requests wait. */
  stats(): { active: number; queued: number } {
    return { active: this.active, queued: this.waiting.length };
  }

  /** Resolves at the next change of `stats()` (for tests and probes that watch the queue). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  /**
   * A slot: resolves with its release when one is free (at once, or when an earlier request releases),
   * or returns undefined when the queue is full and the request must be shed.
   */
  acquire(): Promise<() => void> | undefined {
    if (this.active < this.limit.concurrency) {
      this.active++;
      this.notify();
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limit.queue) return undefined;
    const slot = new Promise<() => void>((resolve) => this.waiting.push(() => resolve(this.releaser())));
    this.notify();
    return slot;
  }

  /**
   * A release that frees its slot once, however often it is called: after the slot's rest, the next
   * waiter takes it over (or it is free again).
   */
  private releaser(): () => void {
    let released = false;
    const since = this.clock.now();
    const handOver = () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
      this.notify();
    };
    return () => {
      if (released) return;
      released = true;
      const share = Math.min(1, this.limit.share);
      const rest = share >= 1 ? 0 : Math.min(MAX_REST_MS, ((this.clock.now() - since) * (1 - share)) / share);
      if (rest > 0) this.clock.setTimeout(handOver, rest);
      else handOver();
    };
  }

  private notify(): void {
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** The default (core/config: API_READ_*): two reads at a time, each slot reading half the time, 32 waiting, "retry in a second" beyond that. */
export const DEFAULT_READ_LIMIT: ReadLimit = { concurrency: 2, share: 0.5, queue: 32, retryAfterSeconds: 1 };

const releases = new WeakMap<FastifyRequest, () => void>();
const limiters = new WeakMap<FastifyInstance, ReadLimiter>();

/** The read limiter installed on `app` (buildApi installs one), to watch its queue. */
export const readLimiterOf = (app: FastifyInstance): ReadLimiter | undefined => limiters.get(app);

/**
 * Puts GET requests to `routes` (default READ_HEAVY_ROUTES) of `app` behind a ReadLimiter: they wait in
 * `onRequest` (before authentication and any query), and free their slot when the response is sent or
 * the client goes away. Returns the limiter, whose `stats()` show the queue.
 */
export function installReadLimiter(app: FastifyInstance, limit: ReadLimit = DEFAULT_READ_LIMIT, routes: readonly string[] = READ_HEAVY_ROUTES): ReadLimiter {
  const limiter = new ReadLimiter(limit);
  const limited = new Set(routes);
  const release = (request: FastifyRequest) => {
    releases.get(request)?.();
    releases.delete(request);
  };
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !limited.has(request.routeOptions.url ?? '')) return;
    const slot = limiter.acquire();
    if (!slot) {
      return reply
        .code(503)
        .header('retry-after', String(limit.retryAfterSeconds))
        .send(errorBody('busy', `Too many reads are waiting (${limit.concurrency} run at a time, ${limit.queue} may wait); retry after ${limit.retryAfterSeconds} s`));
    }
    const free = await slot;
    if (request.raw.destroyed) {
      // The client left while waiting: no query for it; its slot goes to the next one.
      free();
      reply.hijack();
      return reply;
    }
    releases.set(request, free);
  });
  app.addHook('onResponse', async (request) => release(request));
  app.addHook('onRequestAbort', async (request) => release(request));
  limiters.set(app, limiter);
  return limiter;
}
