import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSandboxProvider, sendMessage, type DeliverRequest, type Providers, type SendDeps } from '../../activities/messaging';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { addApiKey, generateApiKey, setTenantBranding, tenantBranding, tenantName } from '../../core/store';
import { ensureDemoTenant } from '../../core/store/demo-tenant';
import { generateAdminKey, registerAdminApi } from '../../services/api/admin';
import { registerOutboxRoute } from '../../services/api/messaging/outbox';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';
import { ROOT, runProcess } from '../helpers/processes';

const journeys = loadDefaultJourneys();
const quiet = new DefaultLogger('ERROR');
const ack = journeys.get('en')!.definition.stages.applied.onEnter[0]!;

describe('e-mails under the tenant\'s name, from a person when its sending domain allows, replies back to Candor', () => {
  const t = useFixture({ fakes: true, tenants: ['acme'] });
  const adminKey = generateAdminKey();
  const apiKey = generateApiKey();
  let app: FastifyInstance;
  let base = '';
  const sandbox = (): Providers => ({ email: createSandboxProvider(t.db, 'email'), sms: createSandboxProvider(t.db, 'sms') });
  const send = (providers: Providers, overrides: Partial<DeliverRequest> = {}) => {
    const deps: SendDeps = { db: t.db, providers, publicUrl: base, calendarFor: () => journeys.get('en')!.definition, now: () => STOCKHOLM_MORNING };
    const request = deliverRequest({ channel: 'email', locale: 'en', template: ack.template, text: ack.text, ...overrides });
    return new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(() => sendMessage(deps, request)).then(() => request);
  };
  const outbox = async (applicationId: string) => {
    const response = await fetch(`${base}/api/v1/outbox?applicationId=${applicationId}`, { headers: { authorization: `Bearer ${apiKey}` } });
    return ((await response.json()) as { messages: { from?: string; replyTo?: string; subject: string; text: string; html: string }[] }).messages;
  };
  const branding = async (body: unknown, tenant = 'acme') => {
    const response = await fetch(`${base}/admin/v1/tenants/${tenant}/branding`, { method: 'PUT', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { statusCode: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    await addApiKey(t.db, 'acme', apiKey, 'test');
    app = Fastify();
    registerAdminApi(app, { db: t.db, adminKey, publicUrl: 'https://candor.example.com' });
    registerOutboxRoute(app, { db: t.db });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('without branding: the tenant\'s name, from Candor\'s address as the company, and the outbox shows From and Reply-To', async () => {
    const request = await send(sandbox());
    const [mail] = await outbox(request.applicationId);
    expect(mail).toMatchObject({ from: '"Acme" <candidates@sandbox.candor.invalid>', replyTo: '"Acme" <candidates+acme@sandbox.candor.invalid>' });
    expect(mail!.text).toContain('Thank you for applying for Backend Engineer at Acme. Your application has arrived safely');
  });

  it('refuses branding it cannot use safely and names the field, changing nothing', async () => {
    const refused = await branding({ displayName: 'Acme Robotics', accentColour: '#ffd400', logoUrl: 'http://acme.example/logo.png' });
    expect(refused.statusCode).toBe(400);
    const details = (refused.body as { error: { details: { path: string; message: string }[] } }).error.details;
    expect(details.map((d) => d.path).sort()).toEqual(['accentColour', 'logoUrl']);
    expect(details.find((d) => d.path === 'accentColour')!.message).toMatch(/too light for links on white/);
    expect(await tenantName(t.db, 'acme')).toBe('Acme');
    expect((await branding({ displayName: 'X' }, 'nobody')).statusCode).toBe(404);
  });

  it('with a display name, accent colour and sending domain: "Maja Lind at Acme Robotics" from the tenant\'s domain in the sandbox and through SendGrid', async () => {
    const saved = await branding({ displayName: 'Acme Robotics', accentColour: '#0F766E', sendingDomain: 'mail.acme.example' });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toEqual({
      tenant: 'acme',
      settings: { displayName: 'Acme Robotics', logoUrl: null, accentColour: '#0f766e', sendingDomain: 'mail.acme.example' },
      effective: { displayName: 'Acme Robotics', accentColour: '#0f766e', sendingDomain: 'mail.acme.example' },
    });
    expect(await tenantBranding(t.db, 'acme')).toEqual({ displayName: 'Acme Robotics', accentColour: '#0f766e', sendingDomain: 'mail.acme.example' });

    const request = await send(sandbox());
    const [mail] = await outbox(request.applicationId);
    expect(mail).toMatchObject({ from: '"Maja Lind at Acme Robotics" <candidates@mail.acme.example>', replyTo: '"Maja Lind at Acme Robotics" <candidates+acme@sandbox.candor.invalid>' });
    expect(mail!.text).toContain('at Acme Robotics.');
    expect(mail!.html).toContain('>Acme Robotics</p>');
    expect(mail!.html).toContain('border-top:4px solid #0f766e');

    // Without a recruiter on the application, the company.
    const noRecruiter = await send(sandbox(), { contact: { ...deliverRequest().contact, recruiter: undefined } });
    expect((await outbox(noRecruiter.applicationId))[0]).toMatchObject({ from: '"Acme Robotics" <candidates@mail.acme.example>' });

    // The real SendGrid SDK against the fake: the same rules from SENDGRID_FROM (jobs@acme.example).
    await send(t.providers());
    const sent = t.fakes.sendgrid.sent.at(-1)!;
    expect(sent).toMatchObject({ from: 'jobs@mail.acme.example', fromName: 'Maja Lind at Acme Robotics', replyTo: { email: 'jobs+acme@acme.example', name: 'Maja Lind at Acme Robotics' } });
    expect(sent.subject).toBe('We\'ve got your application for Backend Engineer');
  });

  it('the demo tenant of npm start names a company ("Acme"), set when it is created, so an operator\'s change stays', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'candor-demo-branding-'));
    try {
      await ensureDemoTenant(t.db, { apiKey: undefined, dataDir });
      expect(await tenantBranding(t.db, 'demo')).toEqual({ displayName: 'Acme' });
      await setTenantBranding(t.db, 'demo', { displayName: 'Globex' });
      await ensureDemoTenant(t.db, { apiKey: undefined, dataDir });
      expect(await tenantName(t.db, 'demo')).toBe('Globex');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('npm run admin -- branding set/show: checked by the same schema before anything is sent; --clear goes back to the defaults', async () => {
    const cli = (args: string[]) =>
      runProcess(process.execPath, ['--import', 'tsx', join(ROOT, 'services', 'cli', 'admin.ts'), ...args, '--url', base], { env: { ...process.env, CANDOR_ADMIN_KEY: adminKey } });
    const [bad, set] = await Promise.all([cli(['branding', 'set', 'acme', '--accent-colour', '#eeeeee']), cli(['branding', 'set', 'acme', '--display-name', 'Acme Labs', '--clear', 'sending-domain'])]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--accent-colour: is too light for links on white/);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/display name\s+Acme Labs\n/);
    expect(set.stdout).toMatch(/sending domain\s+none: e-mails come from Candor's address, as the company/);
    expect(await tenantBranding(t.db, 'acme')).toEqual({ displayName: 'Acme Labs', accentColour: '#0f766e' });
    const request = await send(sandbox());
    expect((await outbox(request.applicationId))[0]).toMatchObject({ from: '"Acme Labs" <candidates@sandbox.candor.invalid>' });
  });
});
