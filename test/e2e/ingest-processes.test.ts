import { rmSync } from 'node:fs';
import { journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import { unique } from '../helpers/env';
import {
  applicationEvents, atsProducer, firstOccurrences, groupAssignments, openScript, seededDataDir, signalledEventIds, spawnIngest, testKafka, untilConsuming, waitForJourneys,
} from '../helpers/ingest-harness';
import { useFixture } from '../helpers/fixture';

describe('ingest processes (CANDOR_ROLE=ingest)', () => {
  const tenant = unique('proc').toLowerCase();
  // Real `node services/main.ts` ingest processes against the test broker and a dev server of this file's own.
  const t = useFixture({ temporal: 'own-dev-server', worker: true }, { stop: 60_000 });
  const kafka = testKafka();
  const started: ReturnType<typeof spawnIngest>[] = [];
  let seed: string;

  const spawn = (name: string, groupId: string) => {
    const proc = spawnIngest({ name, temporalAddress: t.address, taskQueue: t.taskQueue, groupId, logDir: t.dir, seed });
    started.push(proc);
    return proc;
  };
  const verifyAll = async (applications: string[], scripts: { id: string }[][], count: number) => {
    const statuses = await waitForJourneys(t.client, tenant, applications, (s) => s.eventsApplied >= count, 180_000);
    for (const status of statuses.values()) expect(status.eventsApplied).toBe(count);
    for (const [i, id] of applications.entries()) {
      expect(firstOccurrences(await signalledEventIds(t.client, tenant, id))).toEqual(scripts[i]!.map((e) => e.id));
    }
  };

  beforeAll(async () => {
    // Ingest accepts events only for tenants that exist: each process's embedded database holds this one.
    seed = await seededDataDir([tenant]);
    t.onTeardown(async () => {
      await Promise.all(started.map((p) => p.stop(10_000)));
      for (const p of started) rmSync(p.dataDir, { recursive: true, force: true });
      rmSync(seed, { recursive: true, force: true });
    });
  });

  it('loses and duplicates nothing when the process is killed (SIGKILL) mid-batch and restarted', async () => {
    const groupId = unique('proc-kill');
    const applications = Array.from({ length: 60 }, () => unique('app'));
    const scripts = applications.map((id) => applicationEvents(tenant, id, openScript(10)));
    const first = spawn('ingest-killed', groupId);
    await untilConsuming(first);
    const producer = await atsProducer(kafka);
    const interleaved = scripts[0]!.flatMap((_, n) => scripts.map((s) => s[n]!));
    // The first half while it runs; the second while it is dead, so the kill is always mid-stream
    // however fast the first half goes.
    await producer.sendEvents(interleaved.slice(0, interleaved.length / 2));

    // Kill it as soon as the first journey has an event: signals are in flight, offsets partly committed.
    await waitForJourneys(t.client, tenant, [applications[0]!], (s) => s.eventsApplied >= 1);
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await producer.sendEvents(interleaved.slice(interleaved.length / 2));
    await producer.disconnect();
    const appliedAtKill = await Promise.all(
      applications.map((id) => t.client.workflow.getHandle(journeyWorkflowId(tenant, id)).query(journeyStatusQuery).then((s) => s.eventsApplied, () => 0)),
    );
    const total = appliedAtKill.reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(600); // killed mid-stream, not after the fact

    const second = spawn('ingest-restarted', groupId);
    await untilConsuming(second);
    await verifyAll(applications, scripts, 10);
  }, 300_000);

  it('shares the partitions between two processes in one group and keeps each application in order', async () => {
    const groupId = unique('proc-pair');
    const one = spawn('ingest-one', groupId);
    const two = spawn('ingest-two', groupId);
    await Promise.all([untilConsuming(one), untilConsuming(two)]);
    let assignments: number[][] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      assignments = await groupAssignments(kafka, groupId);
      if (assignments.length === 2 && assignments.every((a) => a.length > 0)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(assignments).toHaveLength(2);
    expect(assignments.every((a) => a.length > 0)).toBe(true);
    expect(assignments.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]); // disjoint, and together all six

    const applications = Array.from({ length: 60 }, () => unique('app'));
    const scripts = applications.map((id) => applicationEvents(tenant, id, openScript(8)));
    const producer = await atsProducer(kafka);
    await producer.sendEvents(scripts[0]!.flatMap((_, n) => scripts.map((s) => s[n]!)));
    await producer.disconnect();
    await verifyAll(applications, scripts, 8);
    expect(one.hasExited() || two.hasExited()).toBe(false);
  }, 300_000);
});
