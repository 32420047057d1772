import { EventEmitter } from 'node:events';
import { Kafka, type Consumer } from 'kafkajs';
import { notConsumingReason, strays, trackConsumer, type ConsumerHealth } from '../../../services/ingest/consumer-health';

describe("the ingest consumer's readiness", () => {
  const at = (phase: ConsumerHealth['phase'], assigned = 0, lastError?: string): ConsumerHealth => ({ phase, since: 0, assigned, ...(lastError ? { lastError } : {}) });
  const group = (members: number, partitions = 6) => async () => ({ members, partitions });

  it('is ready only while consuming partitions, or as a spare member of a group with more members than partitions', async () => {
    const now = () => 2_500;
    expect(await notConsumingReason(at('consuming', 3), group(1), now)).toBeUndefined();
    expect(await notConsumingReason(at('consuming', 0), group(7), now)).toBeUndefined();
    expect(await notConsumingReason(at('consuming', 0), group(2), now)).toBe('the consumer holds no partition although its group has 2 member(s) for 6 partition(s)');
    expect(await notConsumingReason(at('joining'), group(1), now)).toBe('the consumer has not joined its group yet (2.5 s)');
    expect(await notConsumingReason(at('rebalancing'), group(1), now)).toBe('the consumer group is rebalancing (2.5 s)');
    expect(await notConsumingReason(at('crashed', 0, 'Connection error: connect ECONNREFUSED'), group(1), now)).toBe(
      'the consumer crashed 2.5 s ago and is restarting: Connection error: connect ECONNREFUSED',
    );
    expect(await notConsumingReason(at('stopped'), group(1), now)).toBe('the consumer has stopped');
  });

  /** A consumer that only emits kafkajs' instrumentation events (the real event names of a kafkajs consumer). */
  const fakeConsumer = () => {
    const emitter = new EventEmitter();
    const { events } = new Kafka({ brokers: ['127.0.0.1:1'] }).consumer({ groupId: 'g' });
    const consumer = { events, on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener) } as unknown as Consumer;
    return { consumer, emit: (event: string, payload: unknown = {}) => emitter.emit(event, { id: 1, type: event, timestamp: 0, payload }) };
  };

  it('follows the group: joined, rebalancing, joined again; a crash until the restart joins', () => {
    const { consumer, emit } = fakeConsumer();
    const health = trackConsumer(consumer, 'ats.events');
    expect(health.phase).toBe('joining');
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [0, 1, 2] } });
    expect(health).toMatchObject({ phase: 'consuming', assigned: 3 });
    emit(consumer.events.REBALANCING);
    expect(health.phase).toBe('rebalancing');
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [3, 4, 5] } });
    expect(health).toMatchObject({ phase: 'consuming', assigned: 3 });
    emit(consumer.events.CRASH, { error: new Error('Connection error'), restart: true });
    expect(health).toMatchObject({ phase: 'crashed', assigned: 0, lastError: 'Connection error' });
    // A heartbeat of the crashed member does not make it ready: only the restart's join does.
    emit(consumer.events.HEARTBEAT);
    expect(health.phase).toBe('crashed');
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [0] } });
    expect(health).toMatchObject({ phase: 'consuming', assigned: 1 });
  });

  // Seen in the cluster's fault test: a preferred-leader election moved the group coordinator; the member's rejoin got
  // COORDINATOR_LOAD_IN_PROGRESS, kafkajs went back to fetching in the generation it had (still the group's), and no
  // GROUP_JOIN followed. The member consumed its partitions, but /readyz said "rebalancing" until the process stopped.
  it('is consuming again when the coordinator accepts a heartbeat after a rebalance that ended without a join', async () => {
    const { consumer, emit } = fakeConsumer();
    let now = 0;
    const health = trackConsumer(consumer, 'ats.events', () => now);
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [0, 2, 3] } });
    now = 1_000;
    emit(consumer.events.REBALANCING);
    now = 2_000;
    emit(consumer.events.HEARTBEAT, { groupId: 'candor-ingest', memberId: 'm', groupGenerationId: 7 });
    expect(health).toMatchObject({ phase: 'consuming', since: 2_000, assigned: 3 });
    expect(await notConsumingReason(health, group(2))).toBeUndefined();
  });

  // Seen in the cluster's broker round: the member's rejoin lost its membership (UNKNOWN_MEMBER_ID), the next attempt met
  // a coordinator moving away (NOT_COORDINATOR) and then one still loading the group; kafkajs gave the join up and
  // fetched again with its old assignment and no member id, so it sent no heartbeat and stayed outside the group for
  // 3 minutes, until an offset commit failed. The ingest role restarts a consumer that strays for a session timeout.
  it('says when the consumer went back to fetching during a rebalance without rejoining, and for how long', async () => {
    const { consumer, emit } = fakeConsumer();
    let now = 0;
    const health = trackConsumer(consumer, 'ats.events', () => now);
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [0, 3, 5] } });
    emit(consumer.events.FETCH_START, { nodeId: 1 });
    expect(strays(health, 10_000, () => now)).toBe(false);
    now = 1_000;
    emit(consumer.events.REBALANCING);
    // A rebalance that takes long (the coordinator waits for the other members) fetches nothing meanwhile: not astray.
    now = 50_000;
    expect(strays(health, 10_000, () => now)).toBe(false);
    emit(consumer.events.FETCH_START, { nodeId: 2 });
    now = 55_000;
    emit(consumer.events.FETCH_START, { nodeId: 2 });
    expect(strays(health, 10_000, () => now)).toBe(false);
    expect(await notConsumingReason(health, group(2), () => now)).toBe(
      'the consumer gave up rejoining its group and has fetched outside it for 5.0 s (rebalancing for 54.0 s); it is restarted to rejoin',
    );
    now = 60_000;
    expect(strays(health, 10_000, () => now)).toBe(true);
    // Restarted (stop, run): it joins afresh and is no longer astray.
    emit(consumer.events.STOP);
    expect(strays(health, 10_000, () => now)).toBe(false);
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [0, 1, 5] } });
    expect(health).toMatchObject({ phase: 'consuming', assigned: 3, strayingSince: undefined });
  });

  it('is not astray when a member that went back to fetching is still in its generation (its heartbeat is accepted)', () => {
    const { consumer, emit } = fakeConsumer();
    let now = 0;
    const health = trackConsumer(consumer, 'ats.events', () => now);
    emit(consumer.events.GROUP_JOIN, { memberAssignment: { 'ats.events': [0, 2, 3] } });
    emit(consumer.events.REBALANCING);
    emit(consumer.events.FETCH_START, { nodeId: 2 });
    now = 1_000;
    emit(consumer.events.HEARTBEAT, { groupId: 'candor-ingest', memberId: 'm', groupGenerationId: 7 });
    now = 60_000;
    expect(strays(health, 10_000, () => now)).toBe(false);
    expect(health.phase).toBe('consuming');
  });
});
