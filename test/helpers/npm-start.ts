import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

const ROOT = join(__dirname, '..', '..');

/** One run of `npm start` (infra/start.ts) in its own process group, with what it printed so far. */
export interface NpmStartRun {
  child: ChildProcess;
  output: string;
  exited: Promise<number | null>;
}

/**
 * A test's own `npm start`, clear of the suite's test stack, of other tests and of a developer's running
 * Candor: ports from the OS (Temporal with its UI at +1000, Kafka with its controller at +1, HTTP), a data
 * directory of its own, and `start()` that resolves once it says "Press Ctrl-C". `dispose()` stops with
 * Ctrl-C what is still running and removes the directory.
 */
export async function npmStartWorld() {
  const ports = { temporal: await freePort([1000]), kafka: await freePort([1]), http: await freePort() };
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-start-'));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    HTTP_PORT: String(ports.http),
    CANDOR_DATA_DIR: dataDir,
    CANDOR_DEMO_API_KEY: '',
  };
  const runs: NpmStartRun[] = [];
  return {
    ports: { ...ports, ui: ports.temporal + 1000 },
    dataDir,
    env,
    root: ROOT,
    /** The command line of `npm start`, for spawnSync. */
    command: [process.execPath, [join(ROOT, 'infra/bin/bootstrap.cjs'), 'infra/start.ts']] as [string, string[]],
    async start(): Promise<NpmStartRun> {
      const child = spawn(process.execPath, [join(ROOT, 'infra/bin/bootstrap.cjs'), 'infra/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const run: NpmStartRun = { child, output: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
      runs.push(run);
      child.stdout.on('data', (d: Buffer) => (run.output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (run.output += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => run.output.includes('Press Ctrl-C') && resolve());
        void run.exited.then((code) => reject(new Error(`npm start exited (${String(code)}) before it was ready:\n${run.output}`)));
      });
      return run;
    },
    async dispose(): Promise<void> {
      const running = runs.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
      for (const { child } of running) process.kill(-child.pid!, 'SIGINT');
      await Promise.all(running.map((r) => r.exited));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
