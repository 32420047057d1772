import { spawnSync } from 'node:child_process';
import { isPortInUse } from '../../infra/stack';
import { npmStartWorld } from '../helpers/npm-start';

describe('npm start', () => {
  let world: Awaited<ReturnType<typeof npmStartWorld>>;
  beforeAll(async () => {
    world = await npmStartWorld();
  });
  afterAll(() => world?.dispose());

  it('starts the stack and every role, refuses a second start, and stops everything it started on Ctrl-C', async () => {
    const { ports: PORTS, env } = world;
    const run = await world.start();
    expect(run.output).toContain(`API          http://localhost:${PORTS.http}/api/v1`);
    expect(run.output).toContain(`Console      http://localhost:${PORTS.http}/console`);
    expect(run.output).toContain(`Temporal UI  http://localhost:${PORTS.ui}`);
    expect(run.output).toMatch(/Demo tenant {2}demo {3}API key: cnd_[A-Za-z0-9_-]{43}/);

    const ready = await fetch(`http://127.0.0.1:${PORTS.http}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks.every((c) => c.ok)).toBe(true);

    const second = spawnSync(...world.command, { cwd: world.root, env, encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/Candor is already running \(pid \d+\)/);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output).toContain('Stopped.');
    for (const port of [PORTS.temporal, PORTS.kafka, PORTS.http]) expect(await isPortInUse(port)).toBe(false);
  });
});
