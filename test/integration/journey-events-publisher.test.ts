import { createJourneyEventPublisher } from '../../core/kafka/journey-event-publisher';
import { TOPIC_JOURNEY_EVENTS } from '../../core/kafka/topics';
import { unique } from '../helpers/env';
import { testKafka } from '../helpers/ingest-harness';

describe('journey events publisher (candor.journey-events)', () => {
  it('publishes CloudEvents keyed {tenant}:{applicationId}, so one application stays on one partition', async () => {
    const kafka = testKafka('candor-journey-events-test');
    const tenant = unique('je').toLowerCase();
    const publisher = createJourneyEventPublisher(kafka);
    const consumer = kafka.consumer({ groupId: unique('je-watch') });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC_JOURNEY_EVENTS, fromBeginning: true });
    const received: { key: string; partition: number; value: Record<string, unknown> }[] = [];
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const key = message.key?.toString() ?? '';
          if (!key.startsWith(`${tenant}:`)) return;
          received.push({ key, partition, value: JSON.parse(message.value!.toString()) as Record<string, unknown> });
          if (received.length === 3) resolve();
        },
      });
    });
    await publisher.publish({ id: 'm1/dispatched', type: 'candor.journey.message.dispatched', tenant, applicationId: 'app-1', time: '2026-03-02T09:00:00Z', data: { messageId: 'm1', channel: 'sms', template: 'ack' } });
    await publisher.publish({ id: 'm1/delivered', type: 'candor.journey.message.delivered', tenant, applicationId: 'app-1', data: { messageId: 'm1', channel: 'sms' } });
    await publisher.publish({ id: 'done', type: 'candor.journey.journey.completed', tenant, applicationId: 'app-1', data: { outcome: 'hired' } });
    await expect(publisher.publish({ id: 'x', type: 'candor.journey.bogus' as never, tenant, applicationId: 'app-1', data: {} })).rejects.toThrow();
    await all;
    await consumer.disconnect();
    await publisher.close();
    expect(received.map((r) => r.value.type)).toEqual(['candor.journey.message.dispatched', 'candor.journey.message.delivered', 'candor.journey.journey.completed']);
    expect(new Set(received.map((r) => r.partition)).size).toBe(1);
    expect(received[0]).toMatchObject({ key: `${tenant}:app-1`, value: { specversion: '1.0', id: 'm1/dispatched', source: `candor/${tenant}`, subject: 'app-1', tenant, data: { messageId: 'm1', channel: 'sms' } } });
  });
});
