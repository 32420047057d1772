// `npm test`: installs what the suite needs, starts a private local stack on test ports (so a
// running `npm start` is left alone), runs lint, type-check and every jest project, and stops what
// it started, also when something fails. Arguments after `--` go to jest.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DATA_DIR, ROOT, requireJava17, resolveKafkaLibs, resolveTemporalCli, resolveTestServer, startLocalStack, type LocalStack,
} from './stack';
import { findChromium } from './stack/chromium';
import { startTestPostgres, type TestPostgres } from './stack/postgres';
import { resolveTemporalServer } from './cluster/install';

/**
 * Ports of the test stack: far from the defaults (7233, 9092, 3000) of `npm start`. CANDOR_TEST_PORT_OFFSET
 * shifts every test port (and the test data dir), so two suites can run side by side on one machine.
 */
const OFFSET = Number(process.env.CANDOR_TEST_PORT_OFFSET ?? 0);
const TEST_PORTS = { temporal: 17233 + OFFSET, temporalUi: 18233 + OFFSET, kafka: 19092 + OFFSET, kafkaController: 19093 + OFFSET, postgres: 15432 + OFFSET } as const;
/** The first of the ports the cluster project's topology takes (infra/cluster clusterPorts: 30 from there). */
const CLUSTER_BASE_PORT = 21000 + OFFSET;

const say = (m: string) => console.log(`[test] ${m}`);
let summary: string | undefined;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a command with its output kept (printed by the caller once it ended, so it does not mix with the stack's). */
function runQuietly(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** Lint (eslint) and the type-check (tsc --noEmit), one after the other; true when both pass. Their output follows. */
async function checks(): Promise<boolean> {
  for (const [what, command, args] of [
    ['lint (eslint)', bin('eslint'), ['.', '--max-warnings=0']],
    ['type-check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.']],
  ] as const) {
    const started = Date.now();
    const { code, output } = await runQuietly(command, [...args]);
    if (output.trim()) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    say(`${what}: ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0) return false;
  }
  return true;
}

const ALL_PROJECTS = ['unit', 'workflow', 'integration', 'e2e', 'cluster'];

/** The jest projects `--selectProjects a b` (or `--selectProjects=a`) names among jest's arguments; all of them without it. */
function selectedProjects(args: string[]): string[] {
  const chosen: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--selectProjects=')) chosen.push(...arg.slice('--selectProjects='.length).split(','));
    else if (arg === '--selectProjects') for (; i + 1 < args.length && !args[i + 1]!.startsWith('-'); i++) chosen.push(args[i + 1]!);
  }
  return chosen.length > 0 ? ALL_PROJECTS.filter((p) => chosen.includes(p)) : ALL_PROJECTS;
}

/** jest's arguments without `--selectProjects` (each phase names its own projects). */
function withoutSelectProjects(args: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--selectProjects=')) continue;
    if (arg === '--selectProjects') {
      while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) i++;
      continue;
    }
    rest.push(arg);
  }
  return rest;
}

interface PhaseResult {
  code: number;
  passed: number;
  failed: number;
  pending: number;
  total: number;
}

/**
 * One jest run over `projects`, its results read back from jest's JSON report. `quiet`: its output is kept and printed
 * in one piece when it ended, for a run that goes on beside another one.
 */
async function runJest(projects: string[], jestArgs: string[], env: NodeJS.ProcessEnv, resultsFile: string, quiet = false): Promise<PhaseResult> {
  // --passWithNoTests: a path pattern may match files of one phase only; main() fails a run that found none at all.
  const args = ['--ci', '--forceExit', '--passWithNoTests', '--json', `--outputFile=${resultsFile}`, ...withoutSelectProjects(jestArgs), '--selectProjects', ...projects];
  say(`jest ${args.slice(5).join(' ')}${quiet ? ' (its output follows when it ended)' : ''}`);
  rmSync(resultsFile, { force: true });
  // --forceExit: the Temporal SDK's native runtime keeps a process alive after its last worker
  // closed; every test closes what it opened, so nothing is cut short by it.
  let code: number;
  if (quiet) {
    const ran = await runQuietly(bin('jest'), args, env);
    say(`jest ${projects.join(' ')}: its output`);
    process.stdout.write(ran.output.endsWith('\n') ? ran.output : `${ran.output}\n`);
    code = ran.code;
  } else {
    code = await run(bin('jest'), args, env);
  }
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTotalTests: number };
    return { code, passed: results.numPassedTests, failed: results.numFailedTests, pending: results.numPendingTests, total: results.numTotalTests };
  } catch {
    // No report: jest itself failed (a configuration error, a crash); count it as one failure.
    return { code: code === 0 ? 1 : code, passed: 0, failed: 1, pending: 0, total: 1 };
  }
}

async function main(): Promise<number> {
  const jestArgs = process.argv.slice(2);
  const projects = selectedProjects(jestArgs);
  // Two phases: integration and e2e against the test stack; then, the stack stopped, unit and workflow (which need
  // neither it nor the cluster) beside the cluster project, whose rounds mostly wait on a paced stream.
  const firstPhase = projects.filter((p) => p === 'integration' || p === 'e2e');
  // unit needs nothing started; workflow only the time-skipping test server (each test file starts its own); cluster
  // starts its own topology (and needs the Temporal server built); integration and e2e the test stack.
  const needsStack = firstPhase.length > 0;
  const needsTestServer = needsStack || projects.includes('workflow');
  const needsCluster = projects.includes('cluster');
  const besideCluster = projects.filter((p) => p === 'unit' || p === 'workflow');
  const started = Date.now();

  // Lint and the type-check run while what the tests need is installed and started (jest waits for them);
  // CANDOR_TEST_SKIP_CHECKS=1 skips both, for a quick re-run of some tests while editing.
  let checked: Promise<boolean> | undefined;
  if (process.env.CANDOR_TEST_SKIP_CHECKS !== '1') {
    say(`lint (eslint), then the type-check (tsc --noEmit)${needsStack || needsCluster ? ', while what the tests need is installed and started' : ''} …`);
    checked = checks();
  }

  const testDir = join(DATA_DIR, OFFSET ? `test-${OFFSET}` : 'test');
  const logDir = join(testDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  let stack: LocalStack | undefined;
  let postgres: TestPostgres | undefined;
  const stopStack = async () => {
    const [temporalAndKafka, database] = [stack, postgres];
    stack = undefined;
    postgres = undefined;
    await Promise.all([temporalAndKafka?.stop(), database?.stop()]);
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CANDOR_DATA_DIR: join(testDir, 'app'),
    CANDOR_TEST_PORT_OFFSET: String(OFFSET),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // PGlite loads its WebAssembly bundle with a dynamic import(), which jest's VM allows only with this flag.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
  };
  const phases: PhaseResult[] = [];
  const sum = (key: keyof PhaseResult) => phases.reduce((n, phase) => n + phase[key], 0);
  try {
    // The cluster project runs the Temporal server built from source (once; later runs find it in .local/ and a fresh
    // clone's build comes from Go's cache). A first build takes 10 to 20 minutes on 2 cores: it runs at the lowest
    // CPU priority while the other projects' tests run, so they are not slowed by it and do not wait for it.
    let serverBuilt = false;
    const temporalServer = needsCluster
      ? resolveTemporalServer(say, { background: firstPhase.length + besideCluster.length > 0 }).then((binaries) => ((serverBuilt = true), binaries))
      : undefined;
    temporalServer?.catch(() => undefined);
    if (needsCluster) {
      requireJava17();
      await resolveKafkaLibs(say);
    }
    if (needsTestServer) {
      const testServer = resolveTestServer(say);
      if (testServer) env.TEMPORAL_TEST_SERVER = testServer.path;
      say(`time-skipping test server: ${testServer?.source ?? 'downloaded by @temporalio/testing'}`);
    }
    if (needsStack) {
      const cli = await resolveTemporalCli(say);
      requireJava17();
      await resolveKafkaLibs(say);
      env.CHROMIUM_PATH = findChromium(say);
      say(`Temporal CLI: ${cli.source}`);
      // Fresh broker storage each run: tests never see messages from an earlier run.
      rmSync(join(testDir, 'kafka'), { recursive: true, force: true });
      say('starting the test stack (Temporal dev server, Kafka broker, PostgreSQL) …');
      const [stackResult, pgResult] = await Promise.allSettled([
        startLocalStack({
          dataDir: testDir,
          temporalPort: TEST_PORTS.temporal,
          temporalUiPort: TEST_PORTS.temporalUi,
          persistTemporal: false,
          kafkaPort: TEST_PORTS.kafka,
          kafkaControllerPort: TEST_PORTS.kafkaController,
          log: say,
        }),
        process.env.CANDOR_TEST_DATABASE_URL
          ? Promise.resolve(undefined)
          : startTestPostgres({ dir: join(testDir, 'postgres'), port: TEST_PORTS.postgres, logDir, log: say }),
      ]);
      if (stackResult.status === 'fulfilled') stack = stackResult.value;
      if (pgResult.status === 'fulfilled') postgres = pgResult.value;
      if (stackResult.status === 'rejected') throw stackResult.reason;
      if (pgResult.status === 'rejected') throw pgResult.reason;
      Object.assign(env, {
        TEMPORAL_ADDRESS: stack!.temporal.address,
        KAFKA_BROKERS: stack!.kafka.brokers.join(','),
        TEMPORAL_CLI: cli.path,
        CANDOR_TEST_DATABASE_URL: process.env.CANDOR_TEST_DATABASE_URL ?? postgres!.url,
      });
      say(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s since start`);
    }
    if (checked && !(await checked)) return 1;
    if (firstPhase.length > 0) {
      phases.push(await runJest(firstPhase, jestArgs, env, join(testDir, 'jest-results.json')));
      say(`${firstPhase.join(', ')}: done in ${((Date.now() - started) / 1000).toFixed(1)} s since start`);
    }
    // The cluster brings its own Temporal, Kafka and PostgreSQL, and unit and workflow need none: the test stack stops.
    if (stack || postgres) {
      say('stopping the test stack …');
      await stopStack();
    }
    const cluster = async (): Promise<PhaseResult | undefined> => {
      if (!temporalServer) return undefined;
      if (!serverBuilt) say('the cluster project waits for the Temporal server build …');
      const { server } = await temporalServer;
      const clusterEnv = { ...env, TEMPORAL_SERVER_BIN: dirname(server), CANDOR_CLUSTER_BASE_PORT: String(CLUSTER_BASE_PORT), CANDOR_CLUSTER_DIR: join(testDir, 'cluster') };
      return runJest(['cluster'], jestArgs, clusterEnv, join(testDir, 'jest-results-cluster.json'));
    };
    const beside = await Promise.allSettled([
      besideCluster.length > 0 ? runJest(besideCluster, jestArgs, env, join(testDir, 'jest-results-unit.json'), temporalServer !== undefined) : undefined,
      cluster(),
    ]);
    for (const outcome of beside) {
      if (outcome.status === 'fulfilled') {
        if (outcome.value) phases.push(outcome.value);
      } else {
        // The Temporal server could not be built: the cluster project counts as one failure.
        console.error(`[test] ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
        phases.push({ code: 1, passed: 0, failed: 1, pending: 0, total: 1 });
      }
    }
    // One plain closing line that any CI reads (printed last, after the stack stopped): "Tests: N passed, N failed".
    if (sum('total') === 0) {
      say('no tests found for these arguments');
      summary = 'Tests: 0 passed, 1 failed';
      return 1;
    }
    const pending = sum('pending');
    summary = `Tests: ${sum('passed')} passed, ${sum('failed')} failed${pending ? `, ${pending} skipped` : ''}`;
    return phases.find((phase) => phase.code !== 0)?.code ?? 0;
  } catch (error) {
    await checked;
    console.error(`[test] ${error instanceof Error ? error.message : String(error)}`);
    if (phases.length > 0) summary = `Tests: ${sum('passed')} passed, ${sum('failed') + 1} failed`;
    return 1;
  } finally {
    if (stack || postgres) {
      say('stopping the test stack …');
      await stopStack();
    }
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

let exiting = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Jest sees the same Ctrl-C and stops; main()'s finally block then stops the stack.
    if (exiting) process.exit(130);
    exiting = true;
  });
}

void main().then((code) => {
  if (summary) console.log(summary);
  process.exit(code);
});
