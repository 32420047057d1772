import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { TOPICS } from '../../infra/stack';
import { required, unique } from '../helpers/env';

describe('Kafka broker (KRaft, local)', () => {
  const brokers = required('KAFKA_BROKERS').split(',');
  const kafka = new Kafka({ clientId: 'candor-test', brokers, logLevel: logLevel.NOTHING });

  it('has the contract topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining(TOPICS.map((t) => t.topic)));
  });

  it('delivers a produced message to a consumer group, in key order, and remembers the group offset', async () => {
    const topic = unique('it-roundtrip');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [1, 2, 3].map((n) => ({ key: 'acme:app-1', value: JSON.stringify({ n }) })) });

    const groupId = unique('it-group');
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: number[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push((JSON.parse(message.value!.toString()) as { n: number }).n);
            if (received.length === 3) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(received).toEqual([1, 2, 3]);
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).toBe(3);
    await producer.disconnect();
    await admin.disconnect();
  });
});
