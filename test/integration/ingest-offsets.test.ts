import { Partitioners } from 'kafkajs';
import { exampleEvent } from '../../core/events/examples';
import { createLogger } from '../../core/logger';
import { startIngest, type IngestRole } from '../../services/ingest';
import { journeyWorkflowId } from '../../workflows/shared';
import { testConfig, unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { signalledEventIds, testKafka } from '../helpers/ingest-harness';

// Ingest commits the offsets of accepted events on an interval (INGEST_COMMIT_INTERVAL_MS), not after every batch, and
// everything it accepted when it closes. On the real broker, with a topic of this file's own (so that no other ingest
// reads it) and journeys only started (no worker needed to see them).
describe('ingest commits its offsets on an interval and when it closes', () => {
  const tenant = unique('offs').toLowerCase();
  const t = useFixture({ tenants: [tenant], temporal: 'shared' }, { stop: 60_000 });
  const kafka = testKafka('candor-offsets-test');
  const topic = unique('ats-events-offsets');
  const groupId = unique('offsets-group');
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  let ingest: IngestRole | undefined;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await producer.connect();
    t.onTeardown(async () => {
      await ingest?.close();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
  });

  const start = (commitIntervalMs: number) =>
    startIngest(
      testConfig({ KAFKA_GROUP_ID: groupId, TEMPORAL_TASK_QUEUE: unique('offsets') }),
      { logger: createLogger({ logLevel: 'silent', secrets: [] }), temporal: t.client, db: t.db },
      { topic, commitIntervalMs },
    );
  /** New applications on the topic; resolves with their ids once every journey has started. */
  const applied = async (count: number) => {
    const ids = Array.from({ length: count }, () => unique('app'));
    await producer.send({ topic, acks: -1, messages: ids.map((applicationId) => ({ key: `${tenant}:${applicationId}`, value: JSON.stringify(exampleEvent('ats.application.created', { tenant, applicationId })) })) });
    for (const id of ids) {
      const handle = t.client.workflow.getHandle(journeyWorkflowId(tenant, id));
      while (!(await handle.describe().then(() => true, () => false))) await new Promise((r) => setTimeout(r, 100));
    }
    return ids;
  };
  /** Events on the topic that the group has not committed, over all partitions. */
  const uncommitted = async () => {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map(committed!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return ends.reduce((sum, p) => sum + Number(p.high) - (done.get(p.partition) ?? 0), 0);
  };

  it('commits what it accepted within its interval, with no event after it to carry the commit', async () => {
    ingest = await start(300);
    await applied(12);
    // Nothing else arrives: the interval's commit (not a later batch) brings the group to the end of the topic.
    while ((await uncommitted()) > 0) await new Promise((r) => setTimeout(r, 100));
    await ingest.close();
    ingest = undefined;
  });

  it('does not commit after every batch, commits everything it accepted when it closes, and the next member starts there', async () => {
    ingest = await start(600_000);
    const before = await applied(9);
    // Accepted and started, but the interval is ten minutes away: Kafka has not been told.
    expect(await uncommitted()).toBe(9);
    await ingest.close();
    ingest = undefined;
    expect(await uncommitted()).toBe(0);

    // A member started after the clean close reads only what is new: no event of the first nine arrives twice.
    ingest = await start(1_000);
    const after = await applied(3);
    for (const id of [...before, ...after]) expect(await signalledEventIds(t.client, tenant, id)).toHaveLength(1);
  });
});
