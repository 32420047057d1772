/**
 * docker-compose.yml and infra/Dockerfile against what Candor actually reads (core/config/index.ts).
 * No Docker engine is needed; where a compose client is installed (`docker compose` or Debian's
 * `docker-compose`), the file is also validated and interpolated by it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../core/config';

type EnvValue = string | number | boolean | null;
type Port = string | number | { target: number | string; published?: number | string };
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, EnvValue> | string[];
  ports?: Port[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  entrypoint?: string | string[];
  volumes?: (string | { source?: string })[];
}
interface ComposeFile {
  services: Record<string, Service>;
}
type Vars = Record<string, string | undefined>;

const root = path.resolve(__dirname, '../..');
const composePath = path.join(root, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services;

const ROLES = { api: 'api', ingest: 'ingest', worker: 'worker' } as const;
const CANDOR_SERVICES = Object.keys(ROLES) as (keyof typeof ROLES)[];
/** The three KRaft nodes (the topology `npm run cluster` runs and the cluster tests fault). */
const KAFKA_NODES = ['kafka', 'kafka-2', 'kafka-3'];
const REQUIRED = ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'DATABASE_URL', 'CANDOR_ROLE'];

/** Every variable the compose file substitutes, with whether compose refuses to run without it. */
const substituted = [...composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?/g)].map((m) => ({
  name: m[1] as string,
  required: (m[2] ?? '').endsWith('?'),
}));
const requiredSamples: Vars = Object.fromEntries(
  substituted.filter((s) => s.required).map((s) => [s.name, `sample-${s.name.toLowerCase()}`]),
);

/** The shell a deployment would run compose from: nothing set beyond what compose demands... */
const MINIMAL: Vars = { ...requiredSamples };
/** ...and one that sets every provider and secret. */
const FULL: Vars = {
  ...requiredSamples,
  POSTGRES_PASSWORD: 'not-a-real-password',
  TEMPORAL_NAMESPACE: 'candor-prod',
  LOG_LEVEL: 'debug',
  PUBLIC_URL: 'https://candor.example.com',
  CANDOR_DEMO_API_KEY: 'demo-key-0123456789abcdefghij',
  CANDOR_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  TWILIO_ACCOUNT_SID: 'ACsample',
  TWILIO_AUTH_TOKEN: 'twilio-sample-token',
  TWILIO_FROM: '+15550100000',
  SENDGRID_API_KEY: 'SG.sample',
  SENDGRID_FROM: 'jobs@example.com',
};

/** Compose's interpolation: $$, $NAME, ${NAME}, ${NAME:-d}, ${NAME-d}, ${NAME:?e}, ${NAME?e}, ${NAME:+a}, ${NAME+a}. */
function interpolate(text: string, vars: Vars): string {
  return text.replace(
    /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\})/g,
    (_m, dollar: string | undefined, bare: string | undefined, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (dollar) return '$';
      const key = (bare ?? name) as string;
      const value = vars[key];
      const unset = colon ? value === undefined || value === '' : value === undefined;
      if (op === '-') return unset ? (arg ?? '') : (value as string);
      if (op === '?') {
        if (unset) throw new Error(`required variable ${key} is missing: ${arg ?? ''}`);
        return value as string;
      }
      if (op === '+') return unset ? '' : (arg ?? '');
      return value ?? '';
    },
  );
}

/** A service's environment as the container would see it (null in compose means "pass through"). */
function containerEnv(service: Service, vars: Vars): Vars {
  const env: Vars = {};
  const entries: [string, EnvValue][] = Array.isArray(service.environment)
    ? service.environment.map((e): [string, EnvValue] => {
        const i = e.indexOf('=');
        return i < 0 ? [e, null] : [e.slice(0, i), e.slice(i + 1)];
      })
    : Object.entries(service.environment ?? {});
  for (const [key, raw] of entries) {
    const value = raw === null ? vars[key] : interpolate(String(raw), vars);
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function envKeys(service: Service): string[] {
  const env = service.environment ?? {};
  return Array.isArray(env) ? env.map((e) => e.split('=')[0] as string) : Object.keys(env);
}

function publishedPorts(service: Service): { published: string; target: string }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') return { published: String(p.published ?? ''), target: String(p.target) };
    const parts = String(p).split('/')[0]!.split(':');
    return { published: parts.length > 1 ? parts[parts.length - 2]! : '', target: parts[parts.length - 1]! };
  });
}

function dependsOn(service: Service): Record<string, string> {
  const d = service.depends_on ?? {};
  return Array.isArray(d)
    ? Object.fromEntries(d.map((n) => [n, 'service_started']))
    : Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v.condition ?? 'service_started']));
}

/** A compose client (`docker compose` or `docker-compose`), or undefined when none is installed. */
function composeClient(): string[] | undefined {
  const v2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (v2.status === 0) return ['docker', 'compose'];
  const v1 = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (v1.status === 0) return ['docker-compose'];
  return undefined;
}

describe('docker-compose.yml', () => {
  test('has the production shape and is accepted by the compose client where one is installed', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'kafka', 'api', 'ingest', 'worker']) {
      expect(services).toHaveProperty([name]);
    }
    for (const [name, service] of Object.entries(services)) {
      expect([name, Boolean(service.image ?? service.build)]).toEqual([name, true]);
      // every dependency that is waited on for health has a healthcheck
      for (const [dep, condition] of Object.entries(dependsOn(service))) {
        expect(services).toHaveProperty([dep]);
        if (condition === 'service_healthy') expect([dep, services[dep]?.healthcheck?.test]).toEqual([dep, expect.anything()]);
      }
      // bind-mounted config lives in the repository
      for (const v of service.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : (v.source ?? '');
        if (source.startsWith('./')) expect(existsSync(path.join(root, source))).toBe(true);
      }
    }

    const client = composeClient();
    if (client) {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const s of substituted) delete env[s.name];
      Object.assign(env, FULL);
      const [cmd, ...pre] = client as [string, ...string[]];
      const quiet = spawnSync(cmd, [...pre, '-f', composePath, 'config', '-q'], { cwd: root, env, encoding: 'utf8' });
      expect({ status: quiet.status, stderr: quiet.status === 0 ? '' : quiet.stderr }).toEqual({ status: 0, stderr: '' });
      // the client interpolates the Candor environments the same way this test does
      const full = spawnSync(cmd, [...pre, '-f', composePath, 'config'], { cwd: root, env, encoding: 'utf8' });
      expect({ status: full.status, stderr: full.status === 0 ? '' : full.stderr }).toEqual({ status: 0, stderr: '' });
      const resolved = parse(full.stdout) as ComposeFile;
      for (const name of CANDOR_SERVICES) {
        const fromClient = containerEnv(resolved.services[name]!, {});
        expect(fromClient).toEqual(containerEnv(services[name]!, FULL));
      }
    }
  });

  test.each(CANDOR_SERVICES)('%s is built from infra/Dockerfile and sets only variables config.ts reads', (name) => {
    const service = services[name]!;
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    expect(build).toEqual({ context: '.', dockerfile: 'infra/Dockerfile' });

    const known = new Set<string>(CONFIG_VARIABLES);
    expect(envKeys(service).filter((k) => !known.has(k))).toEqual([]);
    expect(envKeys(service)).toEqual(expect.arrayContaining(REQUIRED));
    expect(containerEnv(service, MINIMAL).CANDOR_ROLE).toBe(ROLES[name]);

    expect(dependsOn(service)).toEqual(
      expect.objectContaining({
        postgres: 'service_healthy',
        'temporal-create-namespace': 'service_completed_successfully',
        'kafka-init': 'service_completed_successfully',
      }),
    );
  });

  test.each(CANDOR_SERVICES)('%s environment passes loadConfig and points at the compose services', (name) => {
    for (const vars of [MINIMAL, FULL]) {
      const config = loadConfig(containerEnv(services[name]!, vars));
      expect(config.role).toBe(ROLES[name]);
      expect(config.temporal.address.split(':')[0]).toBe('temporal');
      expect(config.temporal.namespace).toBe(vars.TEMPORAL_NAMESPACE ?? 'default');
      expect(config.database.url).toMatch(/^postgres(ql)?:\/\/[^@]+@postgres:5432\//);
      const advertised = KAFKA_NODES.map((node) => containerEnv(services[node]!, vars).KAFKA_ADVERTISED_LISTENERS ?? '').join(',');
      for (const broker of config.kafka.brokers) expect(advertised).toContain(`://${broker}`);
      if (name !== 'ingest' && vars === FULL) {
        expect(config.twilio).toBeDefined();
        expect(config.sendgrid).toBeDefined();
      }
    }
  });

  test('the api publishes port 3000 and the Temporal UI 8233', () => {
    const api = services.api!;
    expect(publishedPorts(api)).toContainEqual({ published: '3000', target: '3000' });
    expect(loadConfig(containerEnv(api, MINIMAL)).http.port).toBe(3000);
    expect(api.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringContaining('/healthz')]));
    expect(publishedPorts(services['temporal-ui']!)).toContainEqual({ published: '8233', target: '8080' });
  });

  test('Temporal persists to the PostgreSQL service; Kafka is three KRaft nodes with the contract topics replicated three times', () => {
    const temporal = containerEnv(services.temporal!, MINIMAL);
    expect(temporal).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(services.postgres?.image).toMatch(/^postgres:16/);

    for (const [i, node] of KAFKA_NODES.entries()) {
      const env = containerEnv(services[node]!, MINIMAL);
      expect(services[node]!.image).toBe('apache/kafka:3.9.1');
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env.KAFKA_NODE_ID).toBe(String(i + 1));
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093');
      expect(env).toMatchObject({ KAFKA_DEFAULT_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3' });
    }
    const init = services['kafka-init']!;
    expect(dependsOn(init)).toEqual({ kafka: 'service_healthy', 'kafka-2': 'service_healthy', 'kafka-3': 'service_healthy' });
    expect(containerEnv(init, MINIMAL)).toMatchObject({ REPLICATION_FACTOR: '3', MIN_INSYNC_REPLICAS: '2' });
    const script = readFileSync(path.join(root, 'infra/compose/kafka/create-topics.sh'), 'utf8');
    expect(script).toContain('--replication-factor "$REPLICATION"');
    for (const topic of ['ats.events', 'ats.events.dlq', 'candor.journey-events']) {
      expect(script).toMatch(new RegExp(`create ${topic.replace(/\./g, '\\.')} `));
    }
  });

  test('holds no secrets: secret variables come from the environment', () => {
    for (const name of CANDOR_SERVICES) {
      const env = services[name]!.environment as Record<string, EnvValue>;
      for (const key of ['TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY', 'CANDOR_DEMO_API_KEY', 'CANDOR_ADMIN_KEY', 'CANDOR_ENCRYPTION_KEYS']) {
        if (key in env && env[key] !== null) expect(String(env[key])).toMatch(/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/);
      }
    }
  });
});

describe('infra/Dockerfile', () => {
  const dockerfilePath = path.join(root, 'infra/Dockerfile');

  test('is a multi-stage node:20 build that runs services/main.ts through tsx as a non-root user', () => {
    expect(existsSync(dockerfilePath)).toBe(true);
    const lines = readFileSync(dockerfilePath, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const args = Object.fromEntries(
      lines.filter((l) => /^ARG \w+=/.test(l)).map((l) => l.slice(4).split('=') as [string, string]),
    );
    const froms = lines.filter((l) => l.startsWith('FROM ')).map((l) => interpolate(l.split(/\s+/)[1]!, args));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toBe('node:20-bookworm-slim');
    expect(lines.some((l) => /^RUN .*npm ci --omit=dev/.test(l))).toBe(true);

    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^USER (root|0)\b/);

    const cmd = lines.filter((l) => /^(CMD|ENTRYPOINT) /.test(l)).map((l) => l.replace(/^(CMD|ENTRYPOINT) /, ''));
    const argv = cmd.flatMap((c) => (c.startsWith('[') ? (JSON.parse(c) as string[]) : c.split(/\s+/)));
    expect(argv).toEqual(['node', '--require', './core/temporal/workflow-thread-preload.cjs', '--import', 'tsx', 'services/main.ts']);
    expect(existsSync(path.join(root, 'services/main.ts'))).toBe(true);
    expect(existsSync(path.join(root, 'core/temporal/workflow-thread-preload.cjs'))).toBe(true);
  });

  test('.dockerignore keeps local state out of the build context but not the sources', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.local', '.data', '.git']));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'services', 'workflows', 'activities']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
