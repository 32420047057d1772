import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startKafkaBroker, type KafkaBroker } from '../../infra/stack';
import { exampleEvent } from '../../core/events/examples';
import { startIngest, type IngestRole } from '../../services/ingest';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { createLogger } from '../../core/logger';
import { journeyWorkflowId } from '../../workflows/shared';
import { testConfig, unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { freePort } from '../helpers/ports';

describe('ingest across a broker restart', () => {
  const tenant = unique('restart').toLowerCase();
  // A broker of this file's own, restarted mid-test; journeys are only started (no worker needed to see them).
  const t = useFixture({ tenants: [tenant], temporal: 'shared' }, { stop: 60_000 });
  let PORT: number;
  const broker = () => startKafkaBroker({ port: PORT, controllerPort: PORT + 1, dataDir: join(t.dir, 'kafka'), logDir: join(t.dir, 'logs'), heapMb: 256 });
  let kafka: KafkaBroker | undefined;
  let ingest: IngestRole | undefined;

  const produce = async (applicationId: string) => {
    const producer = new Kafka({ clientId: 'restart-test', brokers: [`127.0.0.1:${PORT}`], logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages: [{ key: `${tenant}:${applicationId}`, value: JSON.stringify(exampleEvent('ats.application.created', { tenant, applicationId })) }] });
    await producer.disconnect();
  };
  const untilStarted = async (applicationId: string) => {
    const handle = t.client.workflow.getHandle(journeyWorkflowId(tenant, applicationId));
    while (!(await handle.describe().then(() => true, () => false))) await new Promise((r) => setTimeout(r, 100));
    return Date.now();
  };
  const until = async (want: boolean) => {
    for (;;) {
      const ready = await ingest!.check().then(() => true, () => false);
      if (ready === want) return Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    PORT = await freePort([1]);
    kafka = await broker();
    t.onTeardown(async () => {
      await ingest?.close();
      await kafka?.stop();
    });
  }, 120_000);

  it('reports the consumer not ready while it is not consuming, and resumes within seconds of the broker returning', async () => {
    const config = testConfig({ KAFKA_BROKERS: `127.0.0.1:${PORT}`, TEMPORAL_TASK_QUEUE: unique('restart'), KAFKA_GROUP_ID: unique('restart-group') });
    ingest = await startIngest(config, { logger: createLogger({ logLevel: 'silent', secrets: [] }), temporal: t.client, db: t.db });
    await expect(ingest.check()).resolves.toBeUndefined();
    const before = unique('app');
    await produce(before);
    await untilStarted(before);

    await kafka!.stop();
    kafka = undefined;
    await until(false);
    await expect(ingest.check()).rejects.toThrow(/consumer (crashed|group is rebalancing|has not joined)/);

    kafka = await broker();
    const back = Date.now();
    const after = unique('app');
    await produce(after);
    const produced = Date.now();
    const [ready, resumed] = await Promise.all([until(true), untilStarted(after)]);
    // Figures for the README (no timing is asserted: the machine's load decides them).
    console.log(`broker restart: consumer ready ${ready - back} ms and the first new event signalled ${resumed - back} ms after the broker answered (produced at +${produced - back} ms)`);
    await expect(ingest.check()).resolves.toBeUndefined();
  }, 180_000);
});
