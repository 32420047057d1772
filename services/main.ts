import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { registerAtsWebhooks } from './api/ats-webhooks';
import { journeySignals, registerMessagingRoutes } from './api/messaging';
import { buildApi, listen } from './api/server';
import { ConfigError, loadConfig, type Config, type Role } from '../core/config';
import type { Probe } from './health/readiness';
import { startIngest } from './ingest';
import { createKafka } from '../core/kafka/client';
import { createJourneyEventPublisher } from '../core/kafka/journey-event-publisher';
import { createLogger, type Logger } from '../core/logger';
import { ensureDemoTenant, type DemoTenant } from '../core/store/demo-tenant';
import { migrate, openDatabase, sealAtsAdapterSecrets, useSecretKeys, type Database } from '../core/store';
import { registerAdminApi } from './api/admin';
import { resealApplicationPeople } from '../core/store/people';
import { sealingKeyId } from '../core/store/secrets';
import { resolveEncryptionKeys } from '../core/temporal/codec';
import { connectTemporalClient, pingTemporal } from '../core/temporal/connection';
import { DefinitionReferenceCodec } from '../core/temporal/definition-references';
import { definitionTexts } from '../core/store/definition-texts';
import { startWorker } from './worker';
import { tracedProviders } from './worker/tracing';
import { startAlertSweep } from './alerts';
import { createProviders } from '../activities/messaging';
import { createMessageSender } from '../activities';

/** A running Candor process; `close()` shuts every role down gracefully. */
export interface Candor {
  config: Config;
  logger: Logger;
  db: Database;
  demo: DemoTenant | undefined;
  roles: Role[];
  close(): Promise<void>;
}

/** What /readyz checks first in every process that serves it: Temporal, Kafka (a metadata request) and the database. */
function dependencyProbes(config: Config, temporal: Client, db: Database, closers: (() => Promise<void>)[]): Probe[] {
  const admin: Admin = new Kafka({ clientId: `${config.kafka.clientId}-health`, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  closers.push(() => admin.disconnect());
  return [
    { name: 'temporal', check: () => pingTemporal(temporal, config.temporal.namespace) },
    {
      name: 'kafka',
      check: async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker in the cluster metadata');
      },
    },
    { name: 'database', check: () => db.ping() },
  ];
}

const rolesFor = (role: Role): Role[] => (role === 'all' ? ['api', 'ingest', 'worker'] : [role]);

/**
 * Starts the configured role(s): opens the database and migrates it, then the worker, ingest and
 * api. Shutdown runs in reverse: stop taking HTTP requests and consuming events, let in-flight
 * work finish, then close connections.
 */
export async function startCandor(
  config: Config,
  logger = createLogger(config),
  /** Prebuilt workflow code for the worker role (tests share one bundle); bundled from workflows/ otherwise. */
  options: { workflowBundle?: WorkflowBundleWithSourceMap } = {},
): Promise<Candor> {
  const roles = rolesFor(config.role);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
    }
  };
  // One registry for every role of this process, so /metrics shows ingest's metrics next to the api's.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'candor_' });
  try {
    const db = await openDatabase(config);
    closers.push(() => db.close());
    const applied = await migrate(db);
    logger.info({ database: db.kind, applied }, 'database migrated');
    // Webhook secrets are sealed with the payload codec's key ring; rows from before migration 010 are sealed now.
    useSecretKeys(resolveEncryptionKeys(config.encryptionKeys, config.database.dataDir));
    const sealing = await sealAtsAdapterSecrets(db);
    if (sealing.sealed + sealing.resealed > 0) logger.info({ sealed: sealing.sealed, resealed: sealing.resealed }, 'ATS webhook secrets sealed under the current encryption key');
    for (const { tenant, provider, keyId } of sealing.unreadable) {
      logger.error({ tenant, provider, keyId }, `the ${provider} webhook secret of tenant ${tenant} was sealed with encryption key "${keyId}", which is not in CANDOR_ENCRYPTION_KEYS; its webhooks fail until the key is added back`);
    }
    // The board's sealed names (core/store/people.ts) move to the first key too, so an older key can be dropped later.
    const resealedPeople = await resealApplicationPeople(db, sealingKeyId());
    if (resealedPeople > 0) logger.info({ resealed: resealedPeople }, 'board names sealed again under the current encryption key');
    const demo = roles.includes('api') ? await ensureDemoTenant(db, { apiKey: config.demoApiKey, dataDir: config.database.dataDir }) : undefined;

    // Roles of this process that report their own readiness (/readyz lists them after the dependencies).
    const roleProbes: Probe[] = [];
    let temporal: Client | undefined;
    let definitions: DefinitionReferenceCodec | undefined;
    // A process serving health (the api role, or HEALTH_PORT) needs a client to ping Temporal with.
    if (roles.includes('ingest') || roles.includes('api') || config.healthPort !== undefined) {
      // Journeys ingest starts name their definition by digest (TEMPORAL_DEFINITION_REFERENCES; workers always read both forms).
      definitions = roles.includes('ingest') && config.definitionReferences ? new DefinitionReferenceCodec(definitionTexts(db), { reference: true }) : undefined;
      temporal = await connectTemporalClient(config, definitions ? { definitions } : {});
      const connection = temporal.connection;
      closers.push(() => connection.close());
    }
    if (roles.includes('worker')) {
      const events = createJourneyEventPublisher(createKafka(config, logger, 'worker'));
      closers.push(() => events.close());
      const worker = await startWorker(config, { logger, db, events, ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}) });
      closers.push(() => worker.close());
      roleProbes.push({ name: 'worker', check: () => worker.check() });
    }
    if (roles.includes('ingest')) {
      // A new journey's acknowledgement goes from here once Temporal has started the journey, through the worker's send
      // path and ledger (the journey finds it sent): the candidate does not wait for the journey's first workflow task.
      // With tracing on, the provider call is a client span inside the event's consumer span.
      const acknowledge = config.ingestAcknowledgements
        ? createMessageSender({ logger, db, providers: config.tracing ? tracedProviders(createProviders(config, db)) : createProviders(config, db), publicUrl: config.http.publicUrl })
        : undefined;
      const ingest = await startIngest(config, { logger, temporal: temporal!, db, registry, ...(acknowledge ? { acknowledge } : {}), ...(definitions ? { definitions } : {}) }, { maxInFlight: config.ingestMaxInFlight, commitIntervalMs: config.ingestCommitIntervalMs });
      closers.push(() => ingest.close());
      roleProbes.push({ name: 'ingest', check: () => ingest.check() });
    }
    if (roles.includes('api')) {
      const probes = [...dependencyProbes(config, temporal!, db, closers), ...roleProbes];
      const app = buildApi({ logger, probes, registry, metrics: config.metrics, reads: config.apiReads, v1: { db, temporal, publicUrl: config.http.publicUrl, docsPublic: config.apiDocsPublic, taskQueue: config.temporal.taskQueue } });
      registerAtsWebhooks(app, { db, kafka: createKafka(config, logger, 'api') });
      registerAdminApi(app, { db, adminKey: config.adminKey, publicUrl: config.http.publicUrl });
      registerMessagingRoutes(app, {
        db,
        logger,
        journeys: journeySignals(temporal!),
        publicUrl: config.http.publicUrl,
        twilioAuthToken: config.twilio?.authToken,
        sendgridWebhookPublicKey: config.sendgridWebhookPublicKey,
        sendgridInboundSecret: config.sendgridInbound.secret,
        sendgridInboundPublicKey: config.sendgridInbound.publicKey,
      });
      await listen(app, config);
      closers.push(() => app.close());
      // Recruiter alerts by e-mail, digest, Slack webhook and escalation (services/alerts): the api role opens the
      // sealed recruiter addresses, so the sweep runs here.
      if (config.alertSweepSeconds > 0) {
        const alertSweep = startAlertSweep({ db, email: createProviders(config, db).email, publicUrl: config.http.publicUrl, logger }, config.alertSweepSeconds * 1000);
        closers.push(() => alertSweep.close());
      }
    } else if (config.healthPort !== undefined) {
      // An ingest or worker process on its own: /healthz and /readyz (its dependencies and its role) on HEALTH_PORT.
      const probes = [...dependencyProbes(config, temporal!, db, closers), ...roleProbes];
      const app = buildApi({ logger, probes, registry, metrics: { token: config.metrics.token, port: undefined } });
      await listen(app, { http: { ...config.http, port: config.healthPort } });
      closers.push(() => app.close());
    }
    logger.info({ roles }, 'candor started');
    return { config, logger, db, demo, roles, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Runs until SIGINT or SIGTERM, then shuts down gracefully; a second signal exits at once. */
export function shutdownOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // npm and the terminal may both deliver one Ctrl-C; only a later, deliberate second one forces exit.
    if (stoppingSince !== undefined && Date.now() - stoppingSince < 2000) return;
    if (stoppingSince !== undefined) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Parses the environment or exits with a message naming each bad variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

if (require.main === module) {
  const config = configOrExit();
  const logger = createLogger(config);
  startCandor(config, logger).then(
    (candor) => shutdownOnSignals(() => candor.close(), logger),
    (error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : 'startup failed');
      process.exit(1);
    },
  );
}
