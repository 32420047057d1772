import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps, type JourneyEventOut } from '../../activities';
import { createLogger } from '../../core/logger';
import { migrate, openPgliteDatabase, type Database } from '../../core/store';
import { AesGcmPayloadCodec } from '../../core/temporal/codec';
import { SHARED_WORKFLOW_MODULES, WORKFLOWS_PATH } from '../../core/temporal/workflow-code';

// Workers in tests log only warnings; the default runtime prints every state change.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file in this process
}

/** The codec tests use: a fixed key, so any test client can read any test worker's payloads. */
export const testCodec = new AesGcmPayloadCodec([{ id: 'test', key: Buffer.alloc(32, 7) }]);
export const testDataConverter = { payloadCodecs: [testCodec] };

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** What the bundle is made of: every file under workflows/ and the versions of the packages it imports or is built with. */
function bundleKey(): string {
  const hash = createHash('sha256');
  const root = join(__dirname, '..', '..');
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of walk(join(root, 'workflows')).sort()) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
  hash.update(`preload\0${SHARED_WORKFLOW_MODULES.map((m) => relative(root, m)).join('\0')}\0`);
  for (const pkg of ['@temporalio/worker', '@temporalio/workflow', '@temporalio/common', 'zod']) hash.update(`${pkg}@${(JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version}\0`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Candor's workflows, bundled once (bundling is the slow part of starting a worker, 5 to 7 s): per test file, and
 * under `npm test` once for the whole run, kept beside the run's data (CANDOR_DATA_DIR) under a hash of what it is made of.
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= (async () => {
    const dir = process.env.CANDOR_DATA_DIR ? dirname(process.env.CANDOR_DATA_DIR) : undefined;
    const file = dir ? join(dir, `workflow-bundle-${bundleKey()}.js`) : undefined;
    if (file && existsSync(file)) return { code: readFileSync(file, 'utf8'), sourceMap: '' };
    const built = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: [...SHARED_WORKFLOW_MODULES], logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } });
    if (file) {
      mkdirSync(dir!, { recursive: true });
      writeFileSync(`${file}.${process.pid}`, built.code);
      renameSync(`${file}.${process.pid}`, file);
    }
    return built;
  })();
  return bundle;
}

/** What a test worker's activities wrote: a migrated in-memory database and the journey events published. */
export interface TestWorld {
  db: Database;
  published: JourneyEventOut[];
}

/** A fresh, migrated embedded database and an event recorder for a test worker's activities. */
export async function createTestWorld(): Promise<TestWorld> {
  const db = await openPgliteDatabase(undefined);
  await migrate(db);
  await db.query("insert into tenants (id, name) values ('acme', 'Acme') on conflict do nothing");
  return { db, published: [] };
}

/** What a test may add to a test worker's activities: journeys, providers, public URL, send-path hooks. */
export type TestActivityDeps = Partial<Omit<ActivityDeps, 'db' | 'events' | 'logger'>>;

/** A worker with Candor's workflows and real activities writing into `world` (and `activities` added to their deps). */
export async function createTestWorker(connection: NativeConnection, taskQueue: string, world: TestWorld, activities: TestActivityDeps = {}): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    dataConverter: testDataConverter,
    activities: createActivities({
      logger: createLogger({ logLevel: 'silent', secrets: [] }),
      db: world.db,
      events: { publish: async (event) => void world.published.push(event) },
      ...activities,
    }),
  });
}

/** Runs a real worker against `address` while `fn` runs. */
export async function withWorker<T>(address: string, taskQueue: string, fn: () => Promise<T>, world?: TestWorld): Promise<T> {
  const connection = await NativeConnection.connect({ address });
  const own = world ?? (await createTestWorld());
  try {
    const worker = await createTestWorker(connection, taskQueue, own);
    return await worker.runUntil(fn());
  } finally {
    await connection.close();
    if (!world) await own.db.close();
  }
}

/** A client for `address` that encrypts like the test workers. */
export async function testClient(address: string): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address }), dataConverter: testDataConverter });
}
