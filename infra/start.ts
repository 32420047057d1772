// `npm start`: the local stack (Temporal dev server, Kafka) plus every Candor role in one process.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import pino from 'pino';
import { configOrExit, shutdownOnSignals, startCandor } from '../services/main';
import { createLogger } from '../core/logger';
import { ensureLocalAdminKey, localAdminKeyFile } from '../services/api/admin/operator-key';
import { ROOT, StackError, startLocalStack, TOPICS, type LocalStack } from './stack';

const portOf = (address: string): number => Number(address.split(':').pop());
const isLocal = (address: string): boolean => /^(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\]):/.test(address);

function takeLock(lockFile: string, apiUrl: string): void {
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    let alive = false;
    try {
      alive = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('infra/start.ts');
    } catch {
      alive = false;
    }
    if (alive) {
      console.error(`Candor is already running (pid ${pid}); its API is at ${apiUrl}. Stop it with Ctrl-C in its terminal (or \`kill ${pid}\`) before starting another.`);
      process.exit(1);
    }
    // Killed before it could clean up: the stack adopts the servers it left running (or stops them).
    console.log(`An earlier run (pid ${pid}) ended without stopping; recovering what it left behind.`);
  }
  writeFileSync(lockFile, String(process.pid));
}

async function main(): Promise<void> {
  const config = configOrExit();
  const dataDir = config.database.dataDir;
  // Locally the admin API is on with a generated operator key (kept in <dataDir>/admin-key); production sets CANDOR_ADMIN_KEY.
  let adminKeyNote = 'from CANDOR_ADMIN_KEY';
  if (!config.adminKey) {
    const local = ensureLocalAdminKey(dataDir);
    config.adminKey = local.key;
    config.secrets.push(local.key);
    adminKeyNote = `in ${relative(ROOT, localAdminKeyFile(dataDir))}${local.source === 'generated' ? ' (new)' : ''}`;
  }
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const lockFile = join(dataDir, 'candor.lock');
  takeLock(lockFile, config.http.publicUrl);
  const say = (m: string) => console.log(m);

  let stack: LocalStack | undefined;
  const started = Date.now();
  try {
    const temporalLocal = isLocal(config.temporal.address);
    const kafkaLocal = config.kafka.brokers.length === 1 && isLocal(config.kafka.brokers[0]!);
    if (temporalLocal && kafkaLocal) {
      say('Starting the local stack (Temporal dev server, Kafka broker) …');
      stack = await startLocalStack({
        dataDir,
        temporalPort: portOf(config.temporal.address),
        temporalUiPort: portOf(config.temporal.address) + 1000,
        persistTemporal: true,
        kafkaPort: portOf(config.kafka.brokers[0]!),
        kafkaControllerPort: portOf(config.kafka.brokers[0]!) + 1,
        reuseRunning: true,
        log: say,
      });
    } else {
      say('TEMPORAL_ADDRESS or KAFKA_BROKERS point elsewhere: not starting a local stack.');
    }
    // Candor's own log lines go to a file; the terminal shows warnings and the summary below.
    const logFile = join(dataDir, 'logs', 'candor.log');
    const logger = createLogger(
      config,
      pino.multistream([
        { level: config.logLevel === 'silent' ? 'fatal' : config.logLevel, stream: createWriteStream(logFile, { flags: 'a' }) },
        { level: 'warn', stream: process.stderr },
      ]),
    );
    const candor = await startCandor(config, logger);
    const rel = (p: string) => relative(ROOT, p) || '.';
    say(
      [
        '',
        `Candor is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
        `  Console      ${config.http.publicUrl}/console   (sign in with the demo API key)`,
        `  API          ${config.http.publicUrl}/api/v1   (docs: ${config.http.publicUrl}/docs; health: /healthz, /readyz)`,
        config.metrics.port !== undefined
          ? `  Metrics      http://localhost:${config.metrics.port}/metrics${config.metrics.token ? '   (bearer METRICS_TOKEN)' : ''}`
          : `  Metrics      ${config.http.publicUrl}/metrics   ${config.metrics.token ? '(bearer METRICS_TOKEN)' : 'closed: set METRICS_TOKEN or METRICS_PORT to open it'}`,
        stack ? `  Temporal UI  ${stack.temporal.uiUrl}` : '',
        `  Temporal     ${config.temporal.address}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
        `  Kafka        ${config.kafka.brokers.join(',')}   topics ${TOPICS.map((t) => t.topic).join(', ')}`,
        `  Database     ${candor.db.kind === 'pglite' ? `PGlite (embedded) in ${rel(join(dataDir, 'pglite'))}` : 'PostgreSQL at DATABASE_URL'}`,
        candor.demo ? `  Demo tenant  demo   API key: ${candor.demo.apiKey}${candor.demo.source === 'generated' ? '   (new; kept in ' + rel(join(dataDir, 'demo-api-key')) + ')' : ''}` : '',
        `  Admin        ${config.http.publicUrl}/admin/v1   operator key ${adminKeyNote}; try: npm run admin -- tenants list`,
        `  Logs         ${rel(join(dataDir, 'logs'))}/`,
        '',
        'Press Ctrl-C to stop Candor and everything this command started.',
      ]
        .filter((l) => l !== '')
        .join('\n'),
    );
    shutdownOnSignals(async () => {
      say('Stopping Candor …');
      await candor.close();
      if (stack) {
        say('Stopping the local stack …');
        await stack.stop();
      }
      rmSync(lockFile, { force: true });
      say('Stopped.');
    }, logger);
  } catch (error) {
    await stack?.stop();
    rmSync(lockFile, { force: true });
    console.error(error instanceof StackError || error instanceof Error ? `Candor could not start: ${error.message}` : error);
    process.exit(1);
  }
}

void main();
