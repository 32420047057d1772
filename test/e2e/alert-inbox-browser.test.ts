import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSendGridEmailProvider } from '../../activities/messaging';
import { createLogger } from '../../core/logger';
import { listRecruiterAlerts, recordRecruiterAlert } from '../../core/store/alerts';
import { recordApplicationPeople } from '../../core/store/people';
import { sweepAlerts } from '../../services/alerts';
import { FakeSendGrid } from '../fakes/fake-sendgrid';
import { apiHarness, type ApiHarness } from '../helpers/api-harness';
import { launchChromium, screenshot } from '../helpers/browser';

/** axe-core's browser bundle, injected into audit copies of the pages (the console's CSP admits no inline script). */
const AXE_SOURCE = readFileSync(join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0-2.2 A/AA and best practices) on the page as it stands; the serious and critical violations as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[] }> } };
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.targets.map((target) => `${v.id}: ${target}`));
}

const PHONE = { width: 390, height: 844 };
const ATS = 'https://app.greenhouse.io/people/2108732/applications/69306314';

describe('the console’s alert inbox in headless Chromium: filter, acknowledge and resolve through the API; the alert e-mail as its recipient sees it', () => {
  let api: ApiHarness;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  let sendgrid: FakeSendGrid;
  const pageErrors: string[] = [];

  const stored = async (alertId: string) => (await listRecruiterAlerts(api.db, 'acme', 'all', 100)).find((a) => a.alert_id === alertId)!;
  const signIn = async (p: Page, hash: string) => {
    await p.goto(`${api.base}/console#${hash}`);
    await p.getByLabel('API key').fill(api.keys.acme);
    await p.getByRole('button', { name: 'Use key' }).click();
  };

  beforeAll(async () => {
    api = await apiHarness();
    sendgrid = await new FakeSendGrid().start();
    await recordApplicationPeople(api.db, 'acme', 'app-ada', { candidateName: 'Ada Lovelace', jobTitle: 'Backend Engineer', atsUrl: ATS, recruiter: { name: 'Grace Hopper', email: 'grace@acme.example', locale: 'en-GB' } });
    await recordApplicationPeople(api.db, 'acme', 'app-omar', { candidateName: 'Omar Haddad', jobTitle: 'Product Designer', recruiter: { name: 'Grace Hopper', email: 'grace@acme.example' } });
    await recordApplicationPeople(api.db, 'acme', 'app-zoe', { candidateName: 'Zoë Andersson', jobTitle: 'Data Analyst' });
    await recordApplicationPeople(api.db, 'globex', 'app-globex', { candidateName: 'Greta Garbo', jobTitle: 'Actor' });
    const raise = async (tenant: string, applicationId: string, reason: string, hoursAgo: number, days?: number) => {
      const alertId = `${tenant}:${applicationId}:${reason}:1`;
      await recordRecruiterAlert(api.db, { tenant, applicationId, alertId, reason, days });
      await api.db.query(`update recruiter_alerts set raised_at = now() - make_interval(mins => $3) where tenant_id = $1 and alert_id = $2`, [tenant, alertId, Math.round(hoursAgo * 60)]);
    };
    await raise('acme', 'app-ada', 'max-silence', 50, 5);
    await raise('acme', 'app-omar', 'all-channels-failed', 3);
    await raise('acme', 'app-zoe', 'unanswered-question', 0.4);
    await raise('globex', 'app-globex', 'max-silence', 1, 6);
    browser = await launchChromium();
    // Audit copies need axe-core's inline script, which the console's CSP refuses; the page itself is the same.
    desktop = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 }, bypassCSP: true });
    desktop.on('weberror', (error) => pageErrors.push(`page error: ${error.error().message}`));
    desktop.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page = await desktop.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await sendgrid?.close();
    await api?.close();
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('lists the tenant’s open alerts with name, job, kind, age and links, and filters them by kind', async () => {
    await signIn(page, '/alerts');
    await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Alerts' }).first().getAttribute('aria-current')).toBe('page');
    const items = page.locator('li[data-alert-item]');
    await items.first().waitFor();
    // Newest first; the other tenant's alert is not there.
    expect(await items.locator('h3').allTextContents()).toEqual(['Zoë Andersson Data Analyst', 'Omar Haddad Product Designer', 'Ada Lovelace Backend Engineer']);
    expect(await page.getByText('Greta Garbo').count()).toBe(0);
    const ada = items.filter({ hasText: 'Ada Lovelace' });
    expect(await ada.locator('p').first().textContent()).toBe('Silent too long: Ada Lovelace has not heard from us for 5 days.');
    expect(await ada.locator('.meta').textContent()).toMatch(/^Raised 2 d 2 h ago · open$/);
    expect(await ada.getByRole('link', { name: 'Open Ada Lovelace' }).getAttribute('href')).toBe('#/applications/app-ada');
    expect(await ada.getByRole('link', { name: /in the ATS/ }).getAttribute('href')).toBe(ATS);
    expect(await items.filter({ hasText: 'Omar Haddad' }).locator('.meta').textContent()).toMatch(/^Raised 3 h 0 min ago · open$/);
    expect(await page.locator('.tabs').textContent()).toBe('Show: open (3) · acknowledged (0) · resolved (0) · all');

    await page.getByLabel('Kind').selectOption({ label: 'Could not be reached' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/reason=all-channels-failed/);
    await items.filter({ hasText: 'Omar Haddad' }).waitFor();
    expect(await items.count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('acknowledges and resolves with its buttons: the store and the page change, and the keyboard stays in the list', async () => {
    await page.goto(`${api.base}/console#/alerts`);
    const items = page.locator('li[data-alert-item]');
    await items.filter({ hasText: 'Ada Lovelace' }).waitFor();
    await screenshot(page, 'console-alerts');

    await page.getByRole('button', { name: 'Acknowledge the alert about Ada Lovelace' }).click();
    await page.getByRole('status').getByText('Alert about Ada Lovelace acknowledged').waitFor();
    expect(await items.filter({ hasText: 'Ada Lovelace' }).count()).toBe(0);
    expect(await page.locator('.tabs').textContent()).toBe('Show: open (2) · acknowledged (1) · resolved (0) · all');
    expect((await stored('acme:app-ada:max-silence:1')).acknowledged_at).not.toBeNull();
    expect((await stored('acme:app-ada:max-silence:1')).resolved_at).toBeNull();
    // Focus moved to what took the alert's place, not to the top of the page.
    expect(await page.locator('li[data-alert-item]:focus-within h3').textContent()).toBe('Omar Haddad Product Designer');

    await page.getByRole('link', { name: 'acknowledged (1)' }).click();
    const ada = items.filter({ hasText: 'Ada Lovelace' });
    await ada.waitFor();
    expect(await ada.locator('.meta').textContent()).toMatch(/^Raised 2 d 2 h ago · acknowledged <1 min ago$/);
    expect(await ada.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
    await ada.getByRole('button', { name: 'Resolve the alert about Ada Lovelace' }).click();
    await page.getByRole('status').getByText('Alert about Ada Lovelace resolved').waitFor();
    expect(await page.getByText('No acknowledged alerts.').count()).toBe(1);
    expect((await stored('acme:app-ada:max-silence:1')).resolved_at).not.toBeNull();

    // Resolved straight from open: it also counts as acknowledged, and the resolved list shows both.
    await page.getByRole('link', { name: 'open (2)' }).click();
    await page.getByRole('button', { name: 'Resolve the alert about Omar Haddad' }).click();
    await page.getByRole('status').getByText('Alert about Omar Haddad resolved').waitFor();
    expect((await stored('acme:app-omar:all-channels-failed:1')).acknowledged_at).not.toBeNull();
    await page.getByRole('link', { name: 'resolved (2)' }).click();
    await items.filter({ hasText: 'Omar Haddad' }).waitFor();
    expect(await items.locator('h3').allTextContents()).toEqual(['Omar Haddad Product Designer', 'Ada Lovelace Backend Engineer']);
    expect(await items.getByRole('button').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('reads on a phone: no sideways scrolling, buttons big enough to tap, no serious axe-core violation', async () => {
    const phone = await browser.newContext({ locale: 'en-GB', viewport: PHONE, isMobile: true, hasTouch: true, bypassCSP: true });
    try {
      const p = await phone.newPage();
      await signIn(p, '/alerts?state=all');
      await p.locator('li[data-alert-item]').filter({ hasText: 'Zoë Andersson' }).waitFor();
      const { scrollWidth, clientWidth } = await p.evaluate(() => {
        const { documentElement } = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
        return { scrollWidth: documentElement.scrollWidth, clientWidth: documentElement.clientWidth };
      });
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const box = await p.getByRole('button', { name: 'Acknowledge the alert about Zoë Andersson' }).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(await axeViolations(p)).toEqual([]);
      await screenshot(p, 'console-alerts-phone');
    } finally {
      await phone.close();
    }
  });

  it('the alert e-mail through the fake SendGrid, rendered in Chromium as the recruiter reads it: their language, the candidate and job, links into the console', async () => {
    await recordRecruiterAlert(api.db, { tenant: 'acme', applicationId: 'app-ada', alertId: 'acme:app-ada:waiting:2', reason: 'waiting', days: 9 });
    const deps = {
      db: api.db,
      email: createSendGridEmailProvider({ apiKey: sendgrid.apiKey, from: sendgrid.from, baseUrl: sendgrid.url }),
      publicUrl: api.base,
      logger: createLogger({ logLevel: 'silent', secrets: [] }),
    };
    // Resolved alerts are never sent; the open ones go to the recruiter on the application (Zoë has none: not sent).
    expect((await sweepAlerts(deps)).emails).toBe(1);
    const mail = sendgrid.sent.find((m) => m.subject === 'Candor alert: Ada Lovelace (Backend Engineer)')!;
    expect(mail.to).toBe('grace@acme.example');
    expect(mail.fromName).toBe('Candor · Acme');

    const reader = await browser.newContext({ locale: 'en-GB', viewport: { width: 600, height: 320 } });
    try {
      const p = await reader.newPage();
      await p.setContent(mail.html!);
      await p.getByRole('heading', { level: 1, name: 'Candor alert: Ada Lovelace (Backend Engineer)' }).waitFor();
      await p.getByText('Ada Lovelace (Backend Engineer) has been waiting 9 days without a decision').waitFor();
      expect(await p.getByRole('link', { name: `${api.base}/console#/applications/app-ada` }).getAttribute('href')).toBe(`${api.base}/console#/applications/app-ada`);
      expect(await p.getByRole('link', { name: 'Open in the console' }).getAttribute('href')).toBe(`${api.base}/console#/alerts`);
      expect(await axeViolations(p)).toEqual([]);
      await screenshot(p, 'alert-email');
    } finally {
      await reader.close();
    }
  });

  it('a breached row on the board links to that candidate\u2019s alerts', async () => {
    const since = new Date(Date.now() - 26 * 3_600_000).toISOString();
    // This harness has no Temporal client, so the board's answer is stubbed in the shape the API gives.
    await page.route('**/api/v1/applications?*', (route) =>
      route.fulfill({
        json: {
          applications: [{ applicationId: 'app-zoe', candidateName: 'Zoë Andersson', jobTitle: 'Data Analyst', stage: 'screening', waitingSince: since, startedAt: since, sla: 'breached', openAlerts: 1, alertReasons: ['unanswered-question'] }],
          total: 1,
          truncated: false,
        },
      }),
    );
    await page.goto(`${api.base}/console#/board`);
    await page.getByRole('link', { name: 'alerts about Zoë Andersson' }).click();
    await page.getByRole('heading', { name: 'Alerts about app-zoe' }).waitFor();
    expect(page.url()).toContain('#/alerts?applicationId=app-zoe');
    expect(await page.locator('li[data-alert-item] h3').allTextContents()).toEqual(['Zoë Andersson Data Analyst']);
    expect(await page.locator('.tabs').textContent()).toBe('Show: open (1) · acknowledged (0) · resolved (0) · all · every application');
    await page.unroute('**/api/v1/applications?*');
  });
});
