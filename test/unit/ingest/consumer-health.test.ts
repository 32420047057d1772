import { notConsumingReason, type ConsumerHealth } from '../../../services/ingest/consumer-health';

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
});
