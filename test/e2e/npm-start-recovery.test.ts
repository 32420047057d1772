import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive as alive, isPortInUse } from '../../infra/stack';
import { npmStartWorld } from '../helpers/npm-start';

describe('npm start supervises what it started', () => {
  let world: Awaited<ReturnType<typeof npmStartWorld>>;
  let PORTS: typeof world.ports;
  let dataDir: string;
  beforeAll(async () => {
    world = await npmStartWorld();
    ({ ports: PORTS, dataDir } = world);
  });
  afterAll(() => world?.dispose());
  const servers = () => Object.fromEntries((JSON.parse(readFileSync(join(dataDir, 'stack.pids.json'), 'utf8')) as { name: string; pid: number }[]).map((e) => [e.name, e.pid]));
  const ready = async () => {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${PORTS.http}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const npmStart = () => world.start();

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
