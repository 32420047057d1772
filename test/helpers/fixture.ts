import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { Partitioners, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/stack';
import { createLogger } from '../../core/logger';
import { ensureTenant, migrate, openPgliteDatabase, type Database } from '../../core/store';
import { connectTemporalClient } from '../../core/temporal/connection';
import { journeySignals, type JourneySignals } from '../../services/api/messaging';
import { startIngest, type IngestOptions, type IngestRole } from '../../services/ingest';
import { startCandor, type Candor } from '../../services/main';
import type { Providers } from '../../activities/messaging';
import { createMessageSender } from '../../activities';
import { apiHarness, type ApiHarness } from './api-harness';
import { freshPostgresDatabase } from './databases';
import { required, testConfig, unique } from './env';
import { testKafka } from './ingest-harness';
import { fakeProviders, startFakes, startMessagingApi, type Fakes } from './messaging-world';
import { freePort } from './ports';
import { createTestWorker, testClient, testDataConverter, workflowBundle, type TestActivityDeps, type TestWorld } from './worker';

/**
 * One builder for what a test file needs, in the spirit of the Temporal SDK's integration helpers: ask for
 * a database, a Temporal server, a worker, the fake providers, the api or a whole Candor, and
 * `useFixture` starts them in a `beforeAll` (in that order, each able to use the ones before) and stops
 * them in an `afterAll` (in reverse). The task queue is named after the test file; every port comes from
 * the OS. Fields are read inside hooks and tests, once the fixture has started.
 */
export interface FixtureOptions {
  /**
   * 'pglite' (in memory; the default unless `candor` brings its own), 'pglite-on-disk' (under `dir`), 'postgres'
   * (a fresh database on the test server, dropped afterwards), or false for none. Migrated, with `tenants`.
   */
  database?: 'pglite' | 'pglite-on-disk' | 'postgres' | false;
  /** Tenants created after migration (default: acme), in the fixture's database or else in the Candor's. */
  tenants?: string[];
  /**
   * 'shared': the suite's Temporal dev server (TEMPORAL_ADDRESS); 'time-skipping': a time-skipping test server
   * of the file's own (`env`); 'own-dev-server': a dev server of the file's own on OS ports, persisted on disk,
   * which `devServer.stop()` and `devServer.start()` take down and bring back.
   */
  temporal?: 'shared' | 'time-skipping' | 'own-dev-server';
  /** Fake Twilio and SendGrid (test/fakes) on OS ports. */
  fakes?: boolean;
  /** The api's messaging routes (provider webhooks, unsubscribe links) on an OS port; signals go to `journeys` (default: the Temporal client). */
  messagingApi?: boolean | ((t: Fixture) => JourneySignals);
  /** The recruiter API (`apiHarness`: tenants acme and globex with a key each) on the fixture's database and Temporal client. */
  api?: boolean;
  /** A worker on the task queue for the whole file; a function adds to its activities' deps (journeys, providers, publicUrl, messaging). */
  worker?: boolean | ((t: Fixture) => TestActivityDeps);
  /** A whole Candor (`startCandor`) on an OS port with its data in `dir`; the function returns environment overrides (CANDOR_ROLE, …). */
  candor?: (t: Fixture) => Record<string, string | undefined>;
  /** A connected Kafka producer on the test broker (`producer`). */
  producer?: boolean;
  /** The ingest role (ats.events into journeys) on the fixture's Temporal client, database and task queue, with its own consumer group; options tune it. */
  ingest?: boolean | IngestOptions;
  /** The ingest role sends new journeys' acknowledgements (as `npm start`'s does) through the sandbox, or the providers the function returns. */
  ingestAcknowledges?: boolean | ((t: Fixture) => Providers);
}

/** What `useFixture` started. Reading a part that was not asked for throws. */
export interface Fixture {
  /** The test file's name, e.g. `candidate-journey`. */
  readonly name: string;
  /** A task queue of this file's own: its name and a unique suffix. */
  readonly taskQueue: string;
  /** A temporary directory, removed at teardown. */
  readonly dir: string;
  readonly db: Database;
  /** The PostgreSQL database's URL (database: 'postgres'). */
  readonly databaseUrl: string;
  /** Journey events the worker's activities published. */
  readonly published: TestWorld['published'];
  readonly world: TestWorld;
  /** Where Temporal listens ('shared' and 'own-dev-server'). */
  readonly address: string;
  /** A client that encrypts like the test workers (or like the Candor's own, with `candor`). */
  readonly client: Client;
  readonly env: TestWorkflowEnvironment;
  readonly devServer: { stop(): Promise<void>; start(): Promise<void> };
  readonly fakes: Fakes;
  readonly messagingApi: { app: FastifyInstance; url: string };
  /**
   * Sets the messaging API's clock (what it stamps a candidate's question with) to `ms`, running on from there: a
   * time-skipping test's clock runs ahead of the machine's once it slept.
   */
  setMessagingNow(ms: number): void;
  readonly api: ApiHarness;
  readonly worker: Worker;
  readonly candor: Candor;
  /** The Candor's HTTP base URL, e.g. http://127.0.0.1:41234. */
  readonly base: string;
  readonly producer: Producer;
  readonly ingest: IngestRole;
  /** The metrics registry the ingest role reports to. */
  readonly registry: Registry;
  /** The real Twilio and SendGrid SDK providers pointed at the fakes. */
  providers(timeoutMs?: number): Providers;
  /** Runs `fn` with a worker on the task queue (for tests that need a worker only for a while). */
  withWorker<T>(fn: () => Promise<T>, activities?: TestActivityDeps): Promise<T>;
  /** Runs `close` at teardown, before what the fixture started is stopped. */
  onTeardown(close: () => unknown): void;
}

/** The environment a Candor reads to send through the fakes (Twilio and SendGrid SDKs with their API base URLs moved). */
export function fakeProviderEnv(fakes: Fakes): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: fakes.twilio.accountSid,
    TWILIO_AUTH_TOKEN: fakes.twilio.authToken,
    TWILIO_FROM: fakes.twilio.from,
    TWILIO_API_BASE_URL: fakes.twilio.url,
    SENDGRID_API_KEY: fakes.sendgrid.apiKey,
    SENDGRID_FROM: fakes.sendgrid.from,
    SENDGRID_API_BASE_URL: fakes.sendgrid.url,
    SENDGRID_WEBHOOK_PUBLIC_KEY: fakes.sendgrid.publicKey,
  };
}

/** A Temporal dev server of a test's own on OS ports, persisted in `dir` so it can be stopped and started again on the same port. */
export async function ownDevServer(dir: string): Promise<{ address: string; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort([1]);
  const options = { port, uiPort: port + 1, dbFile: join(dir, 'temporal.db'), logDir: join(dir, 'temporal-logs') };
  let server: TemporalDevServer | undefined;
  return {
    address: `127.0.0.1:${port}`,
    async start() {
      server = await startTemporalDevServer(options);
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}

/** Starts what `options` asks for; `teardown` stops it. For a test that builds its world inside one test, or several. */
export async function startFixture(options: FixtureOptions): Promise<Fixture & { teardown(): Promise<void> }> {
  const parts: Partial<Record<keyof Fixture, unknown>> = {};
  const closers: (() => unknown)[] = [];
  const part = <T,>(key: keyof Fixture, what: string) => {
    if (!(key in parts)) throw new Error(`the fixture has no ${String(key)}: ask useFixture for ${what}`);
    return parts[key] as T;
  };
  const testPath = expect.getState().testPath;
  const name = testPath ? basename(testPath).replace(/\.test\.ts$/, '') : 'test';
  const dir = mkdtempSync(join(tmpdir(), `candor-${name}-`));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  Object.assign(parts, { name, taskQueue: unique(name), dir });
  let messagingSkew = 0;
  const fixture: Fixture & { teardown(): Promise<void> } = {
    get name() { return part<string>('name', 'a name'); },
    get taskQueue() { return part<string>('taskQueue', 'a task queue'); },
    get dir() { return part<string>('dir', 'a directory'); },
    get db() { return part<Database>('db', 'a database'); },
    get databaseUrl() { return part<string>('databaseUrl', "database: 'postgres'"); },
    get published() { return part<TestWorld>('world', 'a database').published; },
    get world() { return part<TestWorld>('world', 'a database'); },
    get address() { return part<string>('address', "temporal: 'shared' or 'own-dev-server'"); },
    get client() { return part<Client>('client', 'temporal or candor'); },
    get env() { return part<TestWorkflowEnvironment>('env', "temporal: 'time-skipping'"); },
    get devServer() { return part<Fixture['devServer']>('devServer', "temporal: 'own-dev-server'"); },
    get fakes() { return part<Fakes>('fakes', 'fakes: true'); },
    get messagingApi() { return part<Fixture['messagingApi']>('messagingApi', 'messagingApi'); },
    setMessagingNow(ms: number) {
      messagingSkew = ms - Date.now();
    },
    get api() { return part<ApiHarness>('api', 'api: true'); },
    get worker() { return part<Worker>('worker', 'worker'); },
    get candor() { return part<Candor>('candor', 'candor'); },
    get base() { return part<string>('base', 'candor'); },
    get producer() { return part<Producer>('producer', 'producer: true'); },
    get ingest() { return part<IngestRole>('ingest', 'ingest'); },
    get registry() { return part<Registry>('registry', 'ingest'); },
    providers: (timeoutMs?: number) => fakeProviders(fixture.fakes, timeoutMs),
    async withWorker(fn, activities) {
      const own = 'env' in parts ? undefined : await NativeConnection.connect({ address: fixture.address });
      try {
        const worker = await createTestWorker(own ?? fixture.env.nativeConnection, fixture.taskQueue, fixture.world, activities);
        return await worker.runUntil(fn());
      } finally {
        await own?.close();
      }
    },
    onTeardown: (close) => void closers.push(close),
    async teardown() {
      const errors: unknown[] = [];
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (error) {
          errors.push(error);
        }
      }
      closers.length = 0;
      if (errors.length > 0) throw errors[0];
    },
  };

  try {
    if (options.database || (options.database === undefined && !options.candor)) {
      const kind = options.database ?? 'pglite';
      const fresh = kind === 'postgres' ? await freshPostgresDatabase() : { db: await openPgliteDatabase(kind === 'pglite-on-disk' ? join(dir, 'pglite') : undefined), drop: async () => undefined };
      closers.push(fresh.drop, () => fresh.db.close());
      await migrate(fresh.db);
      for (const tenant of options.tenants ?? ['acme']) await ensureTenant(fresh.db, { id: tenant, name: tenant === 'acme' ? 'Acme' : tenant });
      Object.assign(parts, { db: fresh.db, world: { db: fresh.db, published: [] }, ...(fresh.url ? { databaseUrl: fresh.url } : {}) });
    }

    if (options.temporal === 'time-skipping') {
      const path = process.env.TEMPORAL_TEST_SERVER;
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        ...(path ? { server: { executable: { type: 'existing-path', path } } } : {}),
        client: { dataConverter: testDataConverter },
      });
      closers.push(() => env.teardown());
      Object.assign(parts, { env, client: env.client });
    } else if (options.temporal) {
      let address = required('TEMPORAL_ADDRESS');
      if (options.temporal === 'own-dev-server') {
        const server = await ownDevServer(dir);
        closers.push(() => server.stop());
        await server.start();
        address = server.address;
        parts.devServer = { start: () => server.start(), stop: () => server.stop() };
      }
      const client = await testClient(address);
      closers.push(() => client.connection.close());
      Object.assign(parts, { address, client });
    }

    if (options.fakes) {
      const fakes = await startFakes();
      closers.push(() => fakes.close());
      parts.fakes = fakes;
    }
    if (options.messagingApi) {
      const journeys = typeof options.messagingApi === 'function' ? options.messagingApi(fixture) : journeySignals(fixture.client);
      const messagingApi = await startMessagingApi(fixture.db, fixture.fakes, journeys, () => Date.now() + messagingSkew);
      closers.push(() => messagingApi.app.close());
      parts.messagingApi = messagingApi;
    }
    if (options.api) {
      const api = await apiHarness({ temporal: 'client' in parts ? fixture.client : undefined, db: fixture.db });
      closers.push(() => api.close());
      parts.api = api;
    }
    if (options.worker) {
      const activities = typeof options.worker === 'function' ? options.worker(fixture) : {};
      const connection = 'env' in parts ? fixture.env.nativeConnection : await NativeConnection.connect({ address: fixture.address });
      if (!('env' in parts)) closers.push(() => connection.close());
      const worker = await createTestWorker(connection, fixture.taskQueue, fixture.world, activities);
      const running = worker.run();
      closers.push(async () => {
        worker.shutdown();
        await running;
      });
      parts.worker = worker;
    }

    if (options.candor) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      parts.base = base;
      const config = testConfig({
        HTTP_PORT: String(port),
        PUBLIC_URL: base,
        CANDOR_DATA_DIR: dir,
        TEMPORAL_TASK_QUEUE: fixture.taskQueue,
        KAFKA_GROUP_ID: `${fixture.taskQueue}-ingest`,
        ...Object.fromEntries(Object.entries(options.candor(fixture)).filter((e): e is [string, string] => e[1] !== undefined)),
      });
      // The worker role runs the workflows bundled once for the whole test run (test/helpers/worker.ts), like the test workers.
      const withWorker = config.role === 'all' || config.role === 'worker';
      const candor = await startCandor(config, createLogger({ logLevel: 'warn', secrets: config.secrets }), withWorker ? { workflowBundle: await workflowBundle() } : {});
      closers.push(() => candor.close());
      parts.candor = candor;
      // Ingest dead-letters events of tenants that do not exist.
      for (const tenant of options.database ? [] : (options.tenants ?? [])) await ensureTenant(candor.db, { id: tenant, name: tenant === 'acme' ? 'Acme' : tenant });
      if (!('db' in parts)) Object.assign(parts, { db: candor.db, world: { db: candor.db, published: [] } });
      if (!('client' in parts)) {
        const client = await connectTemporalClient(config);
        closers.push(() => client.connection.close());
        parts.client = client;
      }
    }

    if (options.ingest) {
      const registry = new Registry();
      const config = testConfig({ TEMPORAL_ADDRESS: fixture.address, TEMPORAL_TASK_QUEUE: fixture.taskQueue, KAFKA_GROUP_ID: `${fixture.taskQueue}-ingest` });
      const logger = createLogger({ logLevel: 'silent', secrets: [] });
      const acknowledging = options.ingestAcknowledges;
      const acknowledge = acknowledging
        ? createMessageSender({ logger, db: fixture.db, ...(typeof acknowledging === 'function' ? { providers: acknowledging(fixture) } : {}), publicUrl: config.http.publicUrl })
        : undefined;
      const ingest = await startIngest(config, { logger, temporal: fixture.client, db: fixture.db, registry, ...(acknowledge ? { acknowledge } : {}) }, options.ingest === true ? {} : options.ingest);
      closers.push(() => ingest.close());
      Object.assign(parts, { ingest, registry });
    }

    if (options.producer) {
      const producer = testKafka(`candor-${name}`).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      closers.push(() => producer.disconnect());
      parts.producer = producer;
    }
  } catch (error) {
    await fixture.teardown().catch(() => undefined);
    throw error;
  }
  return fixture;
}

/**
 * Registers a `beforeAll` that starts what `options` asks for and an `afterAll` that stops it; returns the
 * fixture. `timeouts` (ms) bound the start and the stop when they may take longer than jest's default.
 */
export function useFixture(options: FixtureOptions, timeouts: { start?: number; stop?: number } = {}): Fixture {
  let starting: ReturnType<typeof startFixture> | undefined;
  let started: Awaited<ReturnType<typeof startFixture>> | undefined;
  const fixture = new Proxy({} as Fixture, {
    get(_target, key) {
      if (!started) throw new Error('the fixture is read before its beforeAll ran (or it failed to start): read it inside a hook or a test');
      const value = Reflect.get(started, key, started) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
  beforeAll(async () => {
    starting = startFixture(options);
    started = await starting;
  }, timeouts.start);
  afterAll(async () => {
    // A start that timed out may still finish: wait for it, so nothing it started outlives the file.
    const running = started ?? (await starting?.catch(() => undefined));
    await running?.teardown();
  }, timeouts.stop);
  return fixture;
}
