import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive as alive, isPortInUse } from '../../infra/stack';
import { testPort } from '../helpers/env';

const ROOT = join(__dirname, '..', '..');
// This test's own `npm start`, clear of the suite's test stack, of npm-start.test.ts and of a developer's running Candor.
const PORTS = { temporal: testPort(27247), ui: testPort(27247) + 1000, kafka: testPort(29147), http: testPort(23047) };

describe('npm start supervises what it started', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-recover-'));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${PORTS.temporal}`,
    KAFKA_BROKERS: `127.0.0.1:${PORTS.kafka}`,
    HTTP_PORT: String(PORTS.http),
    CANDOR_DATA_DIR: dataDir,
    CANDOR_DEMO_API_KEY: '',
  };
  const children: ChildProcess[] = [];
  const servers = () => Object.fromEntries((JSON.parse(readFileSync(join(dataDir, 'stack.pids.json'), 'utf8')) as { name: string; pid: number }[]).map((e) => [e.name, e.pid]));
  const ready = async () => {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${PORTS.http}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const npmStart = async () => {
    const child = spawn(process.execPath, [join(ROOT, 'infra/bin/bootstrap.cjs'), 'infra/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    const run = { child, output: '', exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
    child.stdout.on('data', (d: Buffer) => (run.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (run.output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => run.output.includes('Press Ctrl-C') && resolve());
      void run.exited.then((code) => reject(new Error(`npm start exited (${String(code)}) before it was ready:\n${run.output}`)));
    });
    return run;
  };
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
    await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.on('exit', r))));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts a killed dev server, keeps the servers when Candor is SIGKILLed, and a second npm start adopts them; Ctrl-C stops them all', async () => {
    const first = await npmStart();
    const original = servers();

    // kill -9 the dev server: the stack starts a new one and Candor is ready again.
    process.kill(original.temporal!, 'SIGKILL');
    while (servers().temporal === original.temporal) await new Promise((r) => setTimeout(r, 200));
    await ready();
    expect(first.output).toMatch(/temporal \(pid \d+\) exited \(SIGKILL\); starting it again in 1 s/);
    expect(first.output).toMatch(/temporal is running again \(pid \d+\)/);
    const restarted = servers();
    expect(restarted.kafka).toBe(original.kafka);

    // kill -9 Candor (the process running infra/start.ts): its servers outlive it.
    const candorPid = Number(readFileSync(join(dataDir, 'candor.lock'), 'utf8'));
    process.kill(candorPid, 'SIGKILL');
    await first.exited;
    expect(alive(restarted.temporal!) && alive(restarted.kafka!)).toBe(true);

    // A second npm start recovers: it takes over the servers the first one left, rather than refusing or starting others.
    const second = await npmStart();
    expect(second.output).toContain(`Using the temporal server an earlier run left running (pid ${restarted.temporal})`);
    expect(second.output).toContain(`Using the kafka server an earlier run left running (pid ${restarted.kafka})`);
    expect(servers()).toEqual(restarted);
    const readiness = (await (await fetch(`http://127.0.0.1:${PORTS.http}/readyz`)).json()) as { checks: { name: string; ok: boolean }[] };
    expect(readiness.checks.every((c) => c.ok)).toBe(true);

    // Ctrl-C stops everything this run started or adopted, and nothing else.
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited).toBe(0);
    expect(alive(restarted.temporal!) || alive(restarted.kafka!)).toBe(false);
    for (const port of [PORTS.temporal, PORTS.kafka, PORTS.http]) expect(await isPortInUse(port)).toBe(false);
  }, 300_000);
});
