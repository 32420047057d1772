import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { ensureLocalAdminKey, generateAdminKey, registerAdminApi } from '../../services/api/admin';
import { registerApiV1 } from '../../services/api/v1';
import { openApiDocument } from '../../services/api/v1/openapi';
import { useFixture } from '../helpers/fixture';
import { ROOT, runProcess, type Run } from '../helpers/processes';

/** Runs the admin CLI as its own process, the command `npm run admin` runs (or through npm itself), optionally feeding stdin. */
function cli(args: string[], options: { env?: Record<string, string>; stdin?: string; viaNpm?: boolean } = {}): Promise<Run> {
  const [command, argv] = options.viaNpm
    ? ['npm', ['run', '--silent', 'admin', '--', ...args]]
    : [process.execPath, ['--import', 'tsx', join(ROOT, 'services', 'cli', 'admin.ts'), ...args]];
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.CANDOR_ADMIN_KEY) delete env.CANDOR_ADMIN_KEY;
  return runProcess(command, argv, { env, stdin: options.stdin });
}

describe('npm run admin: the operator CLI against a running admin API', () => {
  const adminKey = generateAdminKey();
  // The CLI finds the operator key where `npm start` keeps it.
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-admin-cli-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'candor-admin-cli-empty-'));
  writeFileSync(join(dataDir, 'admin-key'), `${adminKey}\n`);
  const tenant = `cli-${Date.now().toString(36)}`;
  const secret = `whsec-${randomBytes(16).toString('hex')}`;
  // A fresh database on the test PostgreSQL server: it migrates in a second, where PGlite takes ten.
  const t = useFixture({ database: 'postgres', tenants: [] });
  let app: FastifyInstance;
  let off: FastifyInstance;
  let base = '';
  let offBase = '';
  const local = { CANDOR_DATA_DIR: dataDir };
  const adminRoutes: string[] = [];

  beforeAll(async () => {
    const db = t.db;
    app = Fastify();
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD' && route.url.startsWith('/admin/v1/') && !route.url.endsWith('*')) adminRoutes.push(`${method} ${route.url}`);
    });
    registerApiV1(app, { db, temporal: undefined, publicUrl: 'https://candor.example.com' });
    registerAdminApi(app, { db, adminKey, publicUrl: 'https://candor.example.com' });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // A server without CANDOR_ADMIN_KEY: its admin API is off.
    off = Fastify();
    registerAdminApi(off, { db, adminKey: undefined, publicUrl: 'https://candor.example.com' });
    offBase = await off.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await off?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('creates a tenant, a key that works once shown, a Greenhouse adapter whose secret comes from stdin and is never echoed; shows webhooks; rotates and revokes', async () => {
    const created = await cli(['tenants', 'create', tenant, '--name', 'CLI Co', '--url', base], { env: local });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain(`Created tenant ${tenant} ("CLI Co").`);

    const made = await cli(['keys', 'create', tenant, '--label', 'ci', '--url', base], { env: local });
    expect(made).toMatchObject({ code: 0, stderr: '' });
    const key = /^ {2}(cnd_\S+)$/m.exec(made.stdout)?.[1];
    expect(key).toMatch(/^cnd_[A-Za-z0-9_-]{43}$/);
    expect(made.stdout).toContain('This is the only time the key is shown');
    expect((await fetch(`${base}/api/v1/journeys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);

    const adapter = await cli(['adapters', 'set', tenant, 'greenhouse', '--secret-stdin', '--stage', '767358=applied', '--stage', 'Onsite=interview', '--default-time-zone', 'Europe/Stockholm', '--url', base], {
      env: local,
      stdin: `${secret}\n`,
    });
    expect(adapter).toMatchObject({ code: 0, stderr: '' });
    expect(adapter.stdout).toContain(`Point greenhouse's webhook at: https://candor.example.com/webhooks/ats/greenhouse/${tenant}`);
    expect(adapter.stdout).toContain('"767358":"applied"');

    const [adapters, hooks, keys] = await Promise.all([
      cli(['adapters', 'list', tenant, '--url', base], { env: local }),
      cli(['webhooks', 'show', tenant, '--url', base], { env: local }),
      cli(['keys', 'list', tenant, '--json', '--url', base], { env: local }),
    ]);
    expect(adapters.stdout).toMatch(/^greenhouse\s+secret sealed/m);
    expect(hooks.stdout).toMatch(new RegExp(`greenhouse\\s+https://candor\\.example\\.com/webhooks/ats/greenhouse/${tenant}\\s+configured`));
    expect(hooks.stdout).toMatch(new RegExp(`lever\\s+https://candor\\.example\\.com/webhooks/ats/lever/${tenant}\\s+not configured`));
    expect(hooks.stdout).toContain('https://candor.example.com/webhooks/providers/twilio/inbound');
    const listed = JSON.parse(keys.stdout) as { keys: { id: string; label: string; revokedAt: string | null }[] };
    expect(listed.keys).toEqual([expect.objectContaining({ label: 'ci', revokedAt: null })]);
    for (const run of [created, made, adapter, adapters, hooks, keys]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
      if (run !== made) expect(run.stdout).not.toContain(key);
    }

    const rotated = await cli(['keys', 'rotate', tenant, listed.keys[0]!.id, '--url', base], { env: local });
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const next = /^ {2}(cnd_\S+)$/m.exec(rotated.stdout)?.[1];
    expect(next).toMatch(/^cnd_/);
    expect((await fetch(`${base}/api/v1/journeys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect((await fetch(`${base}/api/v1/journeys`, { headers: { authorization: `Bearer ${next}` } })).status).toBe(200);

    const fresh = await cli(['keys', 'list', tenant, '--json', '--url', base], { env: local });
    const current = (JSON.parse(fresh.stdout) as typeof listed).keys.find((k) => k.revokedAt === null)!;
    const revoked = await cli(['keys', 'revoke', tenant, current.id, '--url', base], { env: local });
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toContain(`Revoked key ${current.id}`);
    expect((await fetch(`${base}/api/v1/journeys`, { headers: { authorization: `Bearer ${next}` } })).status).toBe(401);
  });

  it('npm start keeps a generated operator key in <data dir>/admin-key (mode 0600) and reuses it on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-admin-key-'));
    try {
      const first = ensureLocalAdminKey(dir);
      expect(first).toEqual({ key: expect.stringMatching(/^cndadm_[A-Za-z0-9_-]{43}$/), source: 'generated' });
      expect(statSync(join(dir, 'admin-key')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'admin-key'), 'utf8')).toBe(`${first.key}\n`);
      expect(ensureLocalAdminKey(dir)).toEqual({ key: first.key, source: 'generated earlier' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the OpenAPI document at /docs describes every admin route, under the operator key', () => {
    const doc = openApiDocument('https://candor.example.com');
    const described = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/admin/v1/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, security: (op as { security?: unknown }).security })));
    expect(described.map((d) => d.route).sort()).toEqual([...adminRoutes].sort());
    expect(adminRoutes.length).toBeGreaterThanOrEqual(11);
    for (const { security } of described) expect(security).toEqual([{ adminKey: [] }]);
  });

  it('argument errors exit 2 with the usage; API refusals exit 1 with the API’s code and message', async () => {
    const [noTenant, unknown, badFlag, badStage, badId, wrongKey, noKey, disabled] = await Promise.all([
      cli(['keys', 'create', '--url', base], { env: local, viaNpm: true }),
      cli(['tenants', 'frobnicate', '--url', base], { env: local }),
      cli(['adapters', 'set', tenant, 'greenhouse', '--bogus', '--url', base], { env: local }),
      cli(['adapters', 'set', tenant, 'greenhouse', '--stage', 'onsite', '--url', base], { env: local }),
      cli(['tenants', 'create', 'Not Valid!', '--name', 'x', '--url', base], { env: local }),
      cli(['tenants', 'list', '--url', base], { env: { CANDOR_DATA_DIR: emptyDir, CANDOR_ADMIN_KEY: generateAdminKey() } }),
      cli(['tenants', 'list', '--url', base], { env: { CANDOR_DATA_DIR: emptyDir } }),
      cli(['tenants', 'list', '--url', offBase], { env: local }),
    ]);
    for (const run of [noTenant, unknown, badFlag, badStage]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage: npm run admin -- tenants create <tenant-id> --name <display name>');
      expect(run.stdout).toBe('');
    }
    expect(noTenant.stderr).toMatch(/^expected <tenant-id>, got none$/m);
    expect(unknown.stderr).toMatch(/^unknown command "tenants frobnicate"$/m);
    expect(badFlag.stderr).toMatch(/--bogus/);
    expect(badStage.stderr).toMatch(/^--stage takes <id>=<value>, not "onsite"$/m);

    expect(badId).toMatchObject({ code: 1, stdout: '' });
    expect(badId.stderr).toMatch(/^400 invalid_request: The tenant is invalid: id: must be 1–63 lowercase letters/);
    expect(wrongKey).toMatchObject({ code: 1, stderr: expect.stringMatching(/^401 invalid_admin_key: This is not the operator key/) });
    expect(noKey).toMatchObject({ code: 1, stderr: expect.stringMatching(/^No operator key: set CANDOR_ADMIN_KEY/) });
    expect(disabled).toMatchObject({ code: 1, stderr: expect.stringMatching(/^404 admin_disabled: The admin API is off on this server: set CANDOR_ADMIN_KEY/) });
  });
});
