import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../../workflows/shared';

/**
 * The one place that reads `process.env`. Every other module receives a typed `Config`.
 * Each variable is documented in README.md ("Configuration"); docker-compose.yml sets the same names.
 */

const roles = ['all', 'api', 'ingest', 'worker'] as const;

/** A role the single entry point can run; `all` runs every role in one process. */
export type Role = (typeof roles)[number];

const port = z.coerce.number().int().min(1).max(65535);
const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));
const csv = z
  .string()
  .min(1)
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'each broker must be host:port')).min(1));

/** Environment variables Candor understands, with defaults for the embedded local setup. */
export const EnvSchema = z.object({
  CANDOR_ROLE: z.enum(roles).default('all'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  /** Open journeys a worker keeps in memory (about 0.16 MiB each); unset: the SDK's default from the heap size. */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2, 'must be at least 2').max(100_000).optional(),
  /**
   * Compress payloads of 2 KiB and more before they are encrypted for Temporal (a new journey's input with its journey
   * definition: 17 KiB → 4 KiB stored), for about half a millisecond of CPU each. Only once no role from before
   * 2026-12-03 runs: those cannot read compressed payloads.
   */
  TEMPORAL_PAYLOAD_COMPRESSION: z.enum(['on', 'off']).default('off'),
  /**
   * on: ingest starts a journey naming its definition by digest instead of carrying its text (README: "Journey definitions
   * by reference"). Every worker from 2026-12-03 reads both forms; only once no older worker runs.
   */
  TEMPORAL_DEFINITION_REFERENCES: z.enum(['on', 'off'], { message: 'must be on or off' }).default('off'),
  /** Journey workflow tasks a worker runs at once; unset: the SDK's 40. More only helps where CPU is left over. */
  TEMPORAL_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2, 'must be at least 2').max(10_000).optional(),
  /** Local activities (sends, board writes, journey events) a worker runs at once; unset: the SDK's 100. */
  TEMPORAL_LOCAL_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(10_000).optional(),
  /**
   * The share of the machine's CPU (a fraction of all its cores, above 0 and at most 1) used by its other processes at
   * which the worker takes no more than 2 journey workflow tasks at once; below it, up to TEMPORAL_WORKFLOW_TASK_SLOTS
   * (40). Where ingest and Temporal share the machine, new candidates' acknowledgements go first and the journeys' own
   * work follows. off: a fixed number of slots (TEMPORAL_WORKFLOW_TASK_SLOTS).
   */
  TEMPORAL_WORKER_YIELD_CPU: z
    .union([z.literal('off'), z.coerce.number().gt(0, 'must be above 0').max(1, 'must be at most 1 (a fraction of all cores)')], {
      message: 'must be off or a fraction of the machine\'s CPU, e.g. 0.7',
    })
    .default(0.7),
  /**
   * on: the worker's workflow threads keep a stack trace per promise for the `__stack_trace` query (the Temporal UI's
   * "Stack Trace" tab). off (default): they do not, which makes journeys and their replays much cheaper. Takes effect
   * in processes started with WORKER_NODE_ARGS (core/temporal/workflow-thread-preload.cjs).
   */
  TEMPORAL_WORKFLOW_STACK_TRACES: z.enum(['on', 'off'], { message: 'must be on or off' }).default('off'),
  /**
   * on: the SDK's workflow sandbox runs every call into workflow code with its 5 s timeout, which Node enforces with a
   * watchdog thread started for each call. off (default): no per-call timeout, much less CPU per journey. Takes effect
   * in processes started with WORKER_NODE_ARGS (core/temporal/workflow-thread-preload.cjs).
   */
  TEMPORAL_ISOLATE_TIMEOUT: z.enum(['on', 'off'], { message: 'must be on or off' }).default('off'),
  /** host:port where the worker serves the Temporal SDK's own metrics (task slots, latencies) for Prometheus; unset: off. */
  TEMPORAL_SDK_METRICS_ADDRESS: z.string().regex(/^[^:]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:9464').optional(),
  /** OTLP/HTTP base URL (e.g. http://collector:4318): traces go to <url>/v1/traces; unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be a URL, e.g. http://127.0.0.1:4318').optional(),
  /** The service.name on this process's spans; default candor-<role>. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('candor'),
  KAFKA_GROUP_ID: z.string().min(1).default('candor-ingest'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * With DATABASE_URL: prepare each of Candor's statements once per connection (on), or send every statement unnamed
   * (off: for a pooler that cannot keep prepared statements, such as PgBouncer in transaction mode before 1.21).
   */
  DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  CANDOR_DATA_DIR: z.string().min(1).default('.data'),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  /** Bearer token Prometheus sends for /metrics; unset: /metrics needs METRICS_PORT to be served at all. */
  METRICS_TOKEN: optionalSecret.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** A second port that serves only /metrics (kept off the public API port). */
  METRICS_PORT: port.optional(),
  /** In a process without the api role (ingest, worker): a port serving only /healthz and /readyz; unset, it serves no HTTP. */
  HEALTH_PORT: port.optional(),
  /** on: ingest sends a new journey's acknowledgement once Temporal has started the journey (README, "Acknowledged by ingest"). */
  INGEST_ACKNOWLEDGEMENTS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  /**
   * Events ingest works on at once, across every partition (different applications in parallel, one application's events in
   * order): each holds its statements, its start or signal and, for a new application, its acknowledgement's send.
   */
  INGEST_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1024).default(64),
  /** How often ingest commits the offsets of accepted events (ms); 0: after every batch of a partition. */
  INGEST_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /**
   * How often the api role sends recruiter alerts (e-mail, digest, Slack, escalation), in seconds; 30 by default (an
   * alert about a candidate waiting days reaches the recruiter within half a minute); 0: never. Several api processes
   * may sweep the same store: each notification is claimed once (core/store/alerts.ts), so none goes twice.
   */
  ALERT_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Whether /docs (the OpenAPI document) is served without an API key. */
  API_DOCS_PUBLIC: z.enum(['true', 'false']).default('true'),
  /** Read-heavy API requests (outbox, board, timelines) served at once; more wait, so reads never starve the send path. */
  API_READ_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(2),
  /** Read-heavy requests that may wait for a turn; beyond them the API answers 503 with Retry-After. */
  API_READ_QUEUE: z.coerce.number().int().min(0).max(100_000).default(32),
  /** The most of its time each read slot spends serving reads (it rests in between), 0.05 to 1. */
  API_READ_SHARE: z.coerce.number().min(0.05).max(1).default(0.5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CANDOR_DEMO_API_KEY: optionalSecret.pipe(
    z.string().min(24, 'must be at least 24 characters').optional(),
  ),
  /** The operator key of the admin API (/admin/v1); unset: the admin API is off (`npm start` generates one locally). */
  CANDOR_ADMIN_KEY: optionalSecret.pipe(
    z.string().min(24, 'must be at least 24 characters').regex(/^\S+$/, 'must not contain spaces').optional(),
  ),
  TWILIO_ACCOUNT_SID: optionalSecret,
  TWILIO_AUTH_TOKEN: optionalSecret,
  TWILIO_FROM: optionalSecret,
  TWILIO_API_BASE_URL: z.url().optional(),
  SENDGRID_API_KEY: optionalSecret,
  SENDGRID_FROM: z.email().optional(),
  SENDGRID_API_BASE_URL: z.url().optional(),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
  SENDGRID_INBOUND_SECRET: optionalSecret,
  SENDGRID_INBOUND_PUBLIC_KEY: z.string().min(1).optional(),
  CANDOR_ENCRYPTION_KEYS: optionalSecret,
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
});

/** The names of environment variables that hold secrets; their values never reach a log line. */
export const SECRET_VARIABLES = [
  'CANDOR_DEMO_API_KEY',
  'CANDOR_ADMIN_KEY',
  'TWILIO_AUTH_TOKEN',
  'SENDGRID_INBOUND_SECRET',
  'SENDGRID_API_KEY',
  'CANDOR_ENCRYPTION_KEYS',
  'DATABASE_URL',
  'METRICS_TOKEN',
] as const;

/** Candor's configuration, parsed once from the environment. */
export interface Config {
  role: Role;
  temporal: { address: string; namespace: string; taskQueue: string; workflowStackTraces: 'on' | 'off'; isolateTimeout: 'on' | 'off'; maxCachedWorkflows?: number; workflowTaskSlots?: number; localActivitySlots?: number; workerYieldCpu?: number; sdkMetricsAddress?: string };
  /** OpenTelemetry tracing over OTLP/HTTP (core/telemetry); undefined: off. */
  tracing?: { endpoint: string; serviceName: string | undefined };
  kafka: { brokers: string[]; clientId: string; groupId: string };
  database: { url: string | undefined; dataDir: string; preparedStatements?: boolean };
  http: { host: string; port: number; publicUrl: string };
  /** Who may read /metrics: with the token (Authorization: Bearer), and/or on a port of its own. */
  metrics: { token: string | undefined; port: number | undefined };
  /** The health port of a process without the api role (/healthz, /readyz), if any. */
  healthPort: number | undefined;
  /** Ingest sends a new journey's acknowledgement once Temporal has started the journey (README, "Acknowledged by ingest"). */
  ingestAcknowledgements: boolean;
  /** Events ingest works on at once (INGEST_MAX_IN_FLIGHT). */
  ingestMaxInFlight: number;
  /** How often ingest commits its Kafka offsets, in ms; 0 after every batch (INGEST_COMMIT_INTERVAL_MS). */
  ingestCommitIntervalMs: number;
  /** Seconds between passes of the recruiter alert sweep (services/alerts); 0: off. */
  alertSweepSeconds: number;
  /** /docs without an API key. */
  apiDocsPublic: boolean;
  /** How many read-heavy API requests run at once and how many may wait (services/api/read-limiter.ts). */
  apiReads: { concurrency: number; queue: number; share: number };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  demoApiKey: string | undefined;
  /** The admin API's operator key; undefined turns the admin API off. */
  adminKey: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string; baseUrl: string | undefined } | undefined;
  sendgrid: { apiKey: string; from: string; baseUrl: string | undefined; webhookPublicKey: string | undefined } | undefined;
  /** SendGrid's event-webhook verification key: it alone turns the signed event webhook on, with or without SendGrid sending. */
  sendgridWebhookPublicKey: string | undefined;
  /** SendGrid Inbound Parse (candidates' e-mail replies): the secret URL segment and/or the signature policy's public key. */
  sendgridInbound: { secret: string | undefined; publicKey: string | undefined };
  encryptionKeys: string | undefined;
  /** TEMPORAL_PAYLOAD_COMPRESSION=on: large payloads are compressed before they are encrypted. */
  payloadCompression: boolean;
  /** TEMPORAL_DEFINITION_REFERENCES=on: journeys ingest starts name their definition by digest (workers always read both). */
  definitionReferences: boolean;
  shutdownGraceMs: number;
  /** Secret values present in this configuration, for log redaction. */
  secrets: string[];
}

/** Thrown when the environment is invalid; the message names every bad variable and what is wrong. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (default `process.env`) into a `Config`, or throws `ConfigError`. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const given = env[name];
        const shown = given === undefined || (SECRET_VARIABLES as readonly string[]).includes(name) ? '' : ` (got "${given}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const twilioParts = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM];
  if (twilioParts.some(Boolean) && !twilioParts.every(Boolean)) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM: set all three to use Twilio, or none for the sandbox');
  }
  if (Boolean(e.SENDGRID_API_KEY) !== Boolean(e.SENDGRID_FROM)) {
    problems.push('SENDGRID_API_KEY and SENDGRID_FROM: set both to use SendGrid, or neither for the sandbox');
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.HTTP_PORT) {
    problems.push('METRICS_PORT: must differ from HTTP_PORT (it keeps /metrics off the API port); unset it to serve /metrics on the API port with METRICS_TOKEN');
  }
  if (e.CANDOR_ENCRYPTION_KEYS) {
    for (const [index, part] of e.CANDOR_ENCRYPTION_KEYS.split(',').entries()) {
      const [id, material] = part.trim().split(':');
      if (!id || !material || Buffer.from(material, 'base64').length !== 32) {
        problems.push(`CANDOR_ENCRYPTION_KEYS: entry ${index + 1} must be id:base64 of 32 random bytes (generate one with \`openssl rand -base64 32\`)`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const secrets = SECRET_VARIABLES.map((name) => env[name]).filter((v): v is string => Boolean(v));
  return {
    role: e.CANDOR_ROLE,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      workflowStackTraces: e.TEMPORAL_WORKFLOW_STACK_TRACES,
      isolateTimeout: e.TEMPORAL_ISOLATE_TIMEOUT,
      ...(e.TEMPORAL_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS } : {}),
      ...(e.TEMPORAL_WORKFLOW_TASK_SLOTS !== undefined ? { workflowTaskSlots: e.TEMPORAL_WORKFLOW_TASK_SLOTS } : {}),
      ...(e.TEMPORAL_LOCAL_ACTIVITY_SLOTS !== undefined ? { localActivitySlots: e.TEMPORAL_LOCAL_ACTIVITY_SLOTS } : {}),
      ...(e.TEMPORAL_WORKER_YIELD_CPU !== 'off' ? { workerYieldCpu: e.TEMPORAL_WORKER_YIELD_CPU } : {}),
      ...(e.TEMPORAL_SDK_METRICS_ADDRESS !== undefined ? { sdkMetricsAddress: e.TEMPORAL_SDK_METRICS_ADDRESS } : {}),
    },
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID, groupId: e.KAFKA_GROUP_ID },
    database: { url: e.DATABASE_URL, dataDir: e.CANDOR_DATA_DIR, preparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'on' },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.HTTP_PORT}`,
    },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    healthPort: e.HEALTH_PORT,
    ingestAcknowledgements: e.INGEST_ACKNOWLEDGEMENTS === 'on',
    ingestMaxInFlight: e.INGEST_MAX_IN_FLIGHT,
    ingestCommitIntervalMs: e.INGEST_COMMIT_INTERVAL_MS,
    alertSweepSeconds: e.ALERT_SWEEP_SECONDS,
    apiDocsPublic: e.API_DOCS_PUBLIC === 'true',
    apiReads: { concurrency: e.API_READ_CONCURRENCY, queue: e.API_READ_QUEUE, share: e.API_READ_SHARE },
    logLevel: e.LOG_LEVEL,
    demoApiKey: e.CANDOR_DEMO_API_KEY,
    adminKey: e.CANDOR_ADMIN_KEY,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM, baseUrl: e.TWILIO_API_BASE_URL }
        : undefined,
    sendgrid:
      e.SENDGRID_API_KEY && e.SENDGRID_FROM
        ? { apiKey: e.SENDGRID_API_KEY, from: e.SENDGRID_FROM, baseUrl: e.SENDGRID_API_BASE_URL, webhookPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY }
        : undefined,
    sendgridWebhookPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
    sendgridInbound: { secret: e.SENDGRID_INBOUND_SECRET, publicKey: e.SENDGRID_INBOUND_PUBLIC_KEY },
    encryptionKeys: e.CANDOR_ENCRYPTION_KEYS,
    payloadCompression: e.TEMPORAL_PAYLOAD_COMPRESSION === 'on',
    definitionReferences: e.TEMPORAL_DEFINITION_REFERENCES === 'on',
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME } } : {}),
    secrets,
  };
}

/** Every environment variable name Candor reads; docker-compose.yml is checked against it. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape) as (keyof typeof EnvSchema.shape)[];
