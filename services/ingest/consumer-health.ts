import type { Consumer } from 'kafkajs';

/** Where the ingest consumer is: only `consuming` counts as ready. */
export type ConsumerPhase = 'joining' | 'consuming' | 'rebalancing' | 'crashed' | 'stopped';

/** What /readyz needs to know about the consumer, kept current from kafkajs' instrumentation events. */
export interface ConsumerHealth {
  phase: ConsumerPhase;
  since: number;
  /** Partitions of the topic this member holds after its last join. */
  assigned: number;
  /** The last crash's error message (no payloads: kafkajs errors name brokers and codes). */
  lastError?: string;
  /**
   * Set while rebalancing when the consumer went back to fetching without having rejoined: when kafkajs gives up a
   * rejoin that failed (a group coordinator that moved or is loading the group), it fetches again with the
   * assignment it had. If it is still a member of that generation, its next heartbeat says so (and it is consuming);
   * if it lost its membership in the failed attempt, it sends no heartbeats at all and fetches outside its group,
   * not rejoining until an offset commit fails (seen for minutes): `strays` restarts it.
   */
  strayingSince?: number;
}

/** Follows a kafkajs consumer's group membership: joined, rebalancing, crashed (and restarting) or stopped. */
export function trackConsumer(consumer: Consumer, topic: string, now: () => number = Date.now): ConsumerHealth {
  const health: ConsumerHealth = { phase: 'joining', since: now(), assigned: 0 };
  const move = (phase: ConsumerPhase) => {
    if (health.phase !== phase) Object.assign(health, { phase, since: now(), strayingSince: undefined });
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    health.assigned = (payload.memberAssignment[topic] ?? []).length;
    move('consuming');
  });
  consumer.on(consumer.events.REBALANCING, () => move('rebalancing'));
  // A rejoin can fail and the member carry on in the generation it had, without a GROUP_JOIN: kafkajs retries a
  // failed rejoin (e.g. COORDINATOR_LOAD_IN_PROGRESS while a moved coordinator loads the group) by fetching again,
  // and the new coordinator accepts the old generation when nothing changed. A heartbeat the coordinator accepted
  // says just that (during a rebalance it answers REBALANCE_IN_PROGRESS instead), so the member is consuming its
  // assignment again.
  consumer.on(consumer.events.HEARTBEAT, () => {
    if (health.phase === 'rebalancing') move('consuming');
  });
  // kafkajs stops fetching while it rejoins; a fetch during a rebalance means it gave the rejoin up.
  consumer.on(consumer.events.FETCH_START, () => {
    if (health.phase === 'rebalancing') health.strayingSince ??= now();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    health.lastError = payload.error.message;
    health.assigned = 0;
    move(payload.restart ? 'crashed' : 'stopped');
  });
  consumer.on(consumer.events.STOP, () => move('stopped'));
  return health;
}

/**
 * Whether the consumer has been fetching outside its group for `afterMs` (a session timeout: a member that was
 * still in its generation would have heartbeated by then): kafkajs will not rejoin by itself, so the caller
 * restarts it (stop, run), which joins the group afresh.
 */
export function strays(health: ConsumerHealth, afterMs: number, now: () => number = Date.now): boolean {
  return health.phase === 'rebalancing' && health.strayingSince !== undefined && now() - health.strayingSince >= afterMs;
}

/**
 * Why the consumer is not consuming, or undefined when it is. A member holding no partition is idle by
 * design when the group has more members than the topic has partitions; otherwise it is stuck, so
 * `groupSize` (members of the group, partitions of the topic) is asked only in that case.
 */
export async function notConsumingReason(
  health: ConsumerHealth,
  groupSize: () => Promise<{ members: number; partitions: number }>,
  now: () => number = Date.now,
): Promise<string | undefined> {
  const forS = `${((now() - health.since) / 1000).toFixed(1)} s`;
  switch (health.phase) {
    case 'joining':
      return `the consumer has not joined its group yet (${forS})`;
    case 'rebalancing':
      return health.strayingSince === undefined
        ? `the consumer group is rebalancing (${forS})`
        : `the consumer gave up rejoining its group and has fetched outside it for ${((now() - health.strayingSince) / 1000).toFixed(1)} s (rebalancing for ${forS}); it is restarted to rejoin`;
    case 'crashed':
      return `the consumer crashed ${forS} ago and is restarting: ${health.lastError ?? 'unknown error'}`;
    case 'stopped':
      return `the consumer has stopped${health.lastError ? `: ${health.lastError}` : ''}`;
    case 'consuming': {
      if (health.assigned > 0) return undefined;
      const { members, partitions } = await groupSize();
      return members > partitions ? undefined : `the consumer holds no partition although its group has ${members} member(s) for ${partitions} partition(s)`;
    }
  }
}
