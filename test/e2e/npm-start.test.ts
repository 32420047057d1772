import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortInUse } from '../../infra/stack';
import { testPort } from '../helpers/env';

const ROOT = join(__dirname, '..', '..');
// Ports of this test's own `npm start`, clear of the suite's test stack and of a developer's running Candor.
const PORTS = { temporal: testPort(27233), ui: testPort(27233) + 1000, kafka: testPort(29092), controller: testPort(29092) + 1, http: testPort(23000) };

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-start-'));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${PORTS.temporal}`,
    KAFKA_BROKERS: `127.0.0.1:${PORTS.kafka}`,
    HTTP_PORT: String(PORTS.http),
    CANDOR_DATA_DIR: dataDir,
    CANDOR_DEMO_API_KEY: '',
  };
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the stack and every role, refuses a second start, and stops everything it started on Ctrl-C', async () => {
    child = spawn(process.execPath, [join(ROOT, 'infra/bin/bootstrap.cjs'), 'infra/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', () => output.includes('Press Ctrl-C') && resolve());
      void exited.then((code) => reject(new Error(`npm start exited (${String(code)}) before it was ready:\n${output}`)));
    });
    expect(output).toContain(`API          http://localhost:${PORTS.http}/api/v1`);
    expect(output).toContain(`Console      http://localhost:${PORTS.http}/console`);
    expect(output).toContain(`Temporal UI  http://localhost:${PORTS.ui}`);
    expect(output).toMatch(/Demo tenant {2}demo {3}API key: cnd_[A-Za-z0-9_-]{43}/);

    const ready = await fetch(`http://127.0.0.1:${PORTS.http}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks.every((c) => c.ok)).toBe(true);

    const second = spawnSync(process.execPath, [join(ROOT, 'infra/bin/bootstrap.cjs'), 'infra/start.ts'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/Candor is already running \(pid \d+\)/);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    for (const port of [PORTS.temporal, PORTS.kafka, PORTS.http]) expect(await isPortInUse(port)).toBe(false);
  });
});
