import type { Kafka } from 'kafkajs';
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
  it('sends the events many journeys publish at once in few produce requests, each application in publish order', async () => {
    const real = testKafka('candor-journey-events-batch');
    let produceRequests = 0;
    // The same Kafka client, counting the produce requests its producer makes.
    const kafka = Object.create(real) as Kafka;
    kafka.producer = (config) => {
      const producer = real.producer(config);
      producer.on(producer.events.REQUEST, (e) => {
        if (e.payload.apiName === 'Produce') produceRequests++;
      });
      return producer;
    };
    const tenant = unique('jb').toLowerCase();
    const publisher = createJourneyEventPublisher(kafka);
    const consumer = real.consumer({ groupId: unique('jb-watch') });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC_JOURNEY_EVENTS, fromBeginning: true });
    const applications = 20;
    const perApplication = 5;
    const received = new Map<string, string[]>();
    let count = 0;
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          if (!key.startsWith(`${tenant}:app-`)) return;
          const value = JSON.parse(message.value!.toString()) as { id: string };
          received.set(key, [...(received.get(key) ?? []), value.id]);
          if (++count === applications * perApplication) resolve();
        },
      });
    });
    await publisher.publish({ id: 'warm', type: 'candor.journey.journey.completed', tenant, applicationId: 'warm', data: { outcome: 'hired' } });
    const before = produceRequests;
    const published: Promise<unknown>[] = [];
    for (let n = 0; n < perApplication; n++) {
      for (let a = 0; a < applications; a++) {
        published.push(publisher.publish({ id: `app-${a}/m${n}`, type: 'candor.journey.message.dispatched', tenant, applicationId: `app-${a}`, data: { messageId: `m${n}`, channel: 'email', template: 'ack' } }));
      }
    }
    const acknowledged = await Promise.all(published);
    const requests = produceRequests - before;
    await all;
    await consumer.disconnect();
    await publisher.close();
    expect(acknowledged).toHaveLength(applications * perApplication);
    // Every event arrived once, and each application's events in the order they were published.
    for (let a = 0; a < applications; a++) {
      expect(received.get(`${tenant}:app-${a}`)).toEqual(Array.from({ length: perApplication }, (_, n) => `app-${a}/m${n}`));
    }
    // 100 events went in at most a handful of requests (the first alone, the rest together), not one each.
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(3);
  });
});
