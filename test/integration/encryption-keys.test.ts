import { Client, Connection } from '@temporalio/client';
import { exampleEvent } from '../../core/events/examples';
import { createLogger } from '../../core/logger';
import { ensureTenant, migrate, openPgliteDatabase, type Database } from '../../core/store';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../../core/temporal/codec';
import { createPayloadCodec } from '../../core/temporal/connection';
import { signalJourney } from '../../core/temporal/journeys';
import { EncryptionKeyMissingError, startWorker, type WorkerRole } from '../../services/worker';
import { JOURNEY_FEATURES, journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { required, testConfig, unique } from '../helpers/env';
import { workflowBundle } from '../helpers/worker';

// Key loss on the real dev server: journeys encrypted with key A, then workers with only key B, then with B and A.
const KEY_A = `key-a:${Buffer.alloc(32, 0xa1).toString('base64')}`;
const KEY_B = `key-b:${Buffer.alloc(32, 0xb2).toString('base64')}`;

describe('a worker that lacks the encryption key of running journeys', () => {
  const taskQueue = unique('keys');
  const tenant = 'acme';
  const applications = [unique('app'), unique('app')];
  const lines: { level: number; msg: string; keyId?: string }[] = [];
  const logger = createLogger({ logLevel: 'info', secrets: [] }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  const workers: WorkerRole[] = [];
  const clients: Client[] = [];
  let db: Database;
  const config = (keys: string, queue = taskQueue) => testConfig({ TEMPORAL_TASK_QUEUE: queue, CANDOR_ENCRYPTION_KEYS: keys });
  const worker = async (keys: string, queue?: string) => {
    // The tests' one bundle, built once (bundling is most of a worker's start).
    const role = await startWorker(config(keys, queue), { logger, db, events: { publish: async () => undefined }, workflowBundle: await workflowBundle() });
    workers.push(role);
    return role;
  };
  const client = async (keys: string) => {
    const c = new Client({ connection: await Connection.connect({ address: required('TEMPORAL_ADDRESS') }), dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(parseEncryptionKeys(keys))] } });
    clients.push(c);
    return c;
  };
  // The status once the journey has applied `count` events (a query can come before the signal is processed).
  const applied = async (c: Client, applicationId: string, count: number) => {
    for (;;) {
      const status = await c.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).query(journeyStatusQuery);
      if (status.eventsApplied >= count) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const start = (c: Client, queue: string, applicationId: string) =>
    signalJourney(c, queue, { tenant, applicationId }, exampleEvent('ats.application.created', { tenant, applicationId, time: new Date().toISOString() }));

  beforeAll(async () => {
    db = await openPgliteDatabase(undefined);
    await migrate(db);
    await ensureTenant(db, { id: tenant, name: 'Acme' });
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    for (const c of clients) await c.connection.close();
    await db?.close();
  });

  it('refuses to start without key A, naming it; starts and moves the journeys with keys B and A', async () => {
    const withA = await worker(KEY_A);
    const clientA = await client(KEY_A);
    for (const id of applications) await start(clientA, taskQueue, id);
    for (const id of applications) expect(await applied(clientA, id, 1)).toMatchObject({ eventsApplied: 1 });
    await withA.close();
    workers.splice(workers.indexOf(withA), 1);

    const refused = worker(KEY_B);
    await expect(refused).rejects.toThrow(EncryptionKeyMissingError);
    await expect(refused).rejects.toThrow(
      new RegExp(`refuses to start: 2 of 2 running journeys checked \\(e\\.g\\. journey/${tenant}/app-.*\\): they were encrypted with key "key-a", which .* does not hold; it holds "key-b"`),
    );

    // Key B encrypts from now on; key A still decrypts what it encrypted.
    const rotated = await worker(`${KEY_B},${KEY_A}`);
    const clientBA = await client(`${KEY_B},${KEY_A}`);
    await clientBA.workflow.getHandle(journeyWorkflowId(tenant, applications[0]!)).signal('atsEvent', exampleEvent('ats.candidate.updated', { tenant, applicationId: applications[0]!, time: new Date().toISOString() }));
    expect(await applied(clientBA, applications[0]!, 2)).toMatchObject({ eventsApplied: 2, lastEventType: 'ats.candidate.updated' });
    await expect(rotated.check()).resolves.toBeUndefined();
  });

  it('says once, naming the key, when a payload arrives that it cannot decrypt, and fails its readiness check', async () => {
    const queue = unique('keys-late');
    const withB = await worker(KEY_B, queue);
    await expect(withB.check()).resolves.toBeUndefined();
    // A process still running with the old key starts a journey this worker cannot read.
    await start(await client(KEY_A), queue, unique('app'));
    for (;;) {
      const failure = await withB.check().then(() => undefined, (error: Error) => error.message);
      if (failure) {
        expect(failure).toMatch(/cannot decrypt journey payloads: they were encrypted with key "key-a"/);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const said = lines.filter((l) => l.keyId === 'key-a');
    expect(said).toHaveLength(1);
    // The SDK's own lines about it (one per retried workflow task) stay below warn once it was said.
    expect(lines.filter((l) => l.level >= 40 && JSON.stringify(l).includes('key-a'))).toEqual(said);
    expect(said[0]).toMatchObject({ level: 50 });
    expect(said[0]!.msg).toMatch(/cannot decrypt journey payloads: they were encrypted with key "key-a".*Journeys that need it are stuck until a worker holding that key runs/);
  });
  it('with compression on, stores a new journey\'s definition compressed and encrypted in Temporal; a worker runs the journey from it', async () => {
    const queue = unique('keys-packed');
    await worker(KEY_A, queue);
    // An ingest with TEMPORAL_PAYLOAD_COMPRESSION=on starts it; the worker has it off (the default) and reads it all the same.
    const c = new Client({ connection: await Connection.connect({ address: required('TEMPORAL_ADDRESS') }), dataConverter: { payloadCodecs: [createPayloadCodec({ ...config(KEY_A, queue), payloadCompression: true })] } });
    clients.push(c);
    const applicationId = unique('app');
    const shipped = loadDefaultJourneys().get('sv')!;
    // As ingest starts a new application's journey: the resolved journey goes with it.
    const initial = { definition: shipped.definition, version: shipped.version, features: [...JOURNEY_FEATURES], for: {} };
    await signalJourney(c, queue, { tenant, applicationId }, exampleEvent('ats.application.created', { tenant, applicationId, time: new Date().toISOString() }), { initial });
    expect(await applied(c, applicationId, 1)).toMatchObject({ eventsApplied: 1, definitionVersion: shipped.version });
    // The stored start: the input's payload as Temporal holds it (read without the codec).
    const history = await c.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: journeyWorkflowId(tenant, applicationId) } });
    const [stored] = history.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    expect(Buffer.from(stored!.metadata!['encryption-compression']!).toString()).toBe('deflate-raw');
    expect(JSON.stringify(initial).length).toBeGreaterThan(15_000);
    expect(stored!.data!.length).toBeLessThan(6_000);
  });
});
