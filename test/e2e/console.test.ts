import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { launchChromium, screenshot, untilVisible } from '../helpers/browser';
import { unique } from '../helpers/env';
import { daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';

/** The recruiter's browser runs in a zone none of daytimeZone()'s candidates share, so the two times always differ. */
const RECRUITER_ZONE = 'Pacific/Honolulu';
const SMS_TEXT = 'Hej {{ candidate.firstName }}! Tack för din ansökan till {{ job.title }}. Svara STOP för att slippa sms.';
const SMS_SEEN = 'Hej Ada! Tack för din ansökan till Backend Engineer. Svara STOP för att slippa sms.';
/** A new first message for the applied stage, in the YAML the editor shows (list items under stages.applied.onEnter). */
const SMS_YAML = ['      - template: applied.sms-hello', '        channel: sms', '        text:', '          sv:', `            body: "${SMS_TEXT}"`, ''].join('\n');

/** Each matched `<time>` element's datetime, text and tooltip. */
const times = async (locator: Locator) =>
  Promise.all((await locator.all()).map(async (t) => ({ at: (await t.getAttribute('datetime')) ?? '', text: (await t.textContent()) ?? '', title: (await t.getAttribute('title')) ?? '' })));
const hhmm = (iso: string, timeZone: string, locale: string) => new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('recruiter console in headless Chromium: journey editor, board, candidate timeline and outbox', () => {
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all' }), producer: true });
  const applicationId = unique('console');
  const candidateZone = daytimeZone();
  const pageErrors: string[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ timezoneId: RECRUITER_ZONE, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    context.on('weberror', (error) => pageErrors.push(`page error: ${error.error().message}`));
    // A rejected key's 401 is logged by Chromium as a failed resource; anything else (script errors, CSP violations) counts.
    context.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('is small on first load (gzipped, revalidated by ETag) and confines what an e-mail preview may do', async () => {
    const files = ['/console', '/console/app.js', '/console/style.css'];
    const responses = await Promise.all(files.map((path) => fetch(`${t.base}${path}`, { headers: { 'accept-encoding': 'gzip' } })));
    const bytes = responses.map((r) => Number(r.headers.get('content-length')));
    expect(responses.map((r) => r.headers.get('content-encoding'))).toEqual(['gzip', 'gzip', 'gzip']);
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(16 * 1024);
    expect(responses[0]!.headers.get('content-security-policy')).toContain("default-src 'self'");
    const again = await fetch(`${t.base}/console/app.js`, { headers: { 'if-none-match': responses[1]!.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('signs in with the API key, after saying plainly that a wrong key is wrong', async () => {
    await page.goto(`${t.base}/console`);
    const keyField = page.getByLabel('API key');
    await keyField.fill('cnd_not-a-real-key-000000000000');
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByRole('alert').filter({ hasText: /API key/ }).waitFor();

    await keyField.fill(t.candor.demo!.apiKey);
    await keyField.press('Enter');
    const heading = page.getByRole('heading', { name: 'Candidates, longest waiting first' });
    await heading.waitFor();
    // Focus moved to the new page's heading, for keyboard and screen-reader users.
    expect(await page.locator(':focus').textContent()).toBe('Candidates, longest waiting first');
    expect(await page.getByRole('link', { name: 'Candidates' }).getAttribute('aria-current')).toBe('page');
  });

  it('edits a journey as YAML: the simulation follows the text, a validation error names its path, and the fixed journey publishes', async () => {
    await page.getByRole('link', { name: 'Journeys' }).click();
    await page.getByRole('link', { name: 'Standardresa (svenska)' }).click();
    await page.getByRole('heading', { name: 'Journey default-sv' }).waitFor();
    const simulation = page.getByRole('region', { name: 'What a candidate experiences' });
    await simulation.getByText(/Longest silence/).waitFor();
    expect(await simulation.getByText(SMS_SEEN).count()).toBe(0);

    const definition = page.getByLabel('Journey definition (YAML)');
    const shipped = await definition.inputValue();
    // The shipped file as written, its comments included.
    expect(shipped).toBe(readFileSync(join(__dirname, '..', '..', 'journeys', 'default-sv.yaml'), 'utf8'));
    const ack = '      - template: applied.ack\n';
    expect(shipped).toContain(`stages:\n  applied:\n    onEnter:\n${ack}`);

    // A new SMS on application: the simulation shows it, as the candidate reads it, without saving anything.
    const edited = shipped.replace(ack, `${SMS_YAML}${ack}`);
    await definition.fill(edited);
    await simulation.getByText(SMS_SEEN).waitFor();
    await simulation.getByText(/SMS · applied\.sms-hello/).waitFor();

    // A value the promise cannot keep: the problem is listed with its path, and the simulation waits for a fix.
    await definition.fill(edited.replace(/^maxSilence: 5\b/m, 'maxSilence: 0'));
    const problems = page.locator('#problems');
    await problems.getByRole('alert').waitFor();
    await problems.getByRole('listitem').filter({ has: page.locator('code', { hasText: /^maxSilence$/ }) }).waitFor();
    await simulation.getByText('Fix the problems to see the simulation.').waitFor();

    await definition.fill(edited);
    await problems.getByText('Valid').waitFor();
    await simulation.getByText(SMS_SEEN).waitFor();
    await screenshot(page, 'journey-editor');

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('status').filter({ hasText: /^Published version 1;/ }).waitFor();
    const versions = await fetch(`${t.base}/api/v1/journeys/default-sv/versions`, { headers: { authorization: `Bearer ${t.candor.demo!.apiKey}` } });
    expect(((await versions.json()) as { versions: { label: string }[] }).versions.map((v) => v.label)).toEqual(['default-sv@v1']);
  });

  it('shows a new candidate on the board, longest waiting first, and their timeline in their own time zone', async () => {
    const created = exampleData(applicationId)['ats.application.created'];
    const event = exampleEvent('ats.application.created', {
      tenant: 'demo',
      applicationId,
      data: { ...created, candidate: { ...created.candidate, timeZone: candidateZone } },
    });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(event) }] });

    await page.getByRole('link', { name: 'Candidates' }).click();
    // The board refreshes itself every 5 s: wait for the page to show the candidate.
    const link = page.getByRole('link', { name: applicationId, exact: true });
    await link.waitFor({ timeout: 90_000 });
    const row = page.getByRole('row').filter({ has: link });
    expect(await row.getByRole('cell').nth(0).textContent()).toBe('applied');
    await row.getByText('on track').waitFor();
    // Waiting times are sorted longest first (a visible "Waiting" column whose datetimes ascend).
    const waitingSince = (await times(page.locator('#board tbody tr td:nth-of-type(2) time'))).map((t) => t.at);
    expect(waitingSince.length).toBeGreaterThan(0);
    expect([...waitingSince].sort()).toEqual(waitingSince);
    if ((await page.getByRole('columnheader', { name: 'Last message' }).count()) > 0) {
      // The board's richer shape: once the journey has sent, its last message shows on the row.
      await untilVisible(row.getByText(/applied\.(sms-hello|ack)/), async () => undefined, 60_000);
    }
    await screenshot(page, 'board');

    await link.click();
    await page.getByRole('heading', { name: `Application ${applicationId}` }).waitFor();
    const timeline = page.getByRole('table', { name: new RegExp(`Timeline, in the candidate's time zone, ${candidateZone} \\(sv-SE\\)`) });
    await untilVisible(timeline.getByRole('cell', { name: 'message.delivered' }), () => page.reload());
    const shown = await times(timeline.locator('time'));
    expect(shown.length).toBeGreaterThan(2);
    for (const t of shown) {
      expect(t.text).toContain(hhmm(t.at, candidateZone, 'sv-SE'));
      // The recruiter's own time stays at hand as the tooltip.
      expect(t.title).toMatch(/^Your time: /);
      expect(t.title).toContain(hhmm(t.at, RECRUITER_ZONE, 'en-GB'));
    }
    await page.getByText(new RegExp(`\\(${candidateZone}\\)$`)).first().waitFor();
    await screenshot(page, 'candidate');
  });

  it('shows what the candidate received in the outbox: the SMS as a bubble with its segments, the e-mail in a sandboxed frame', async () => {
    await page.getByRole('link', { name: 'Messages sent to this candidate' }).click();
    await page.getByRole('heading', { name: `Outbox for ${applicationId}` }).waitFor();
    const filter = page.getByRole('button', { name: 'Filter' });
    expect(await page.getByLabel('Application').inputValue()).toBe(applicationId);

    const sms = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'SMS to +46701234567' }) });
    await untilVisible(sms, () => filter.click());
    expect(await sms.locator('.bubble').textContent()).toBe(SMS_SEEN);
    await sms.getByText(/^1 segment \(GSM-7, \d+ septets\)$/).waitFor();

    const email = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'E-mail: Vi har tagit emot din ansökan till Backend Engineer' }) });
    await untilVisible(email, () => filter.click());
    await email.getByText('ada@example.com').waitFor();
    const frame = email.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await email.frameLocator('iframe').getByText(/Tack för att du sökt tjänsten som Backend Engineer/).waitFor();
    await email.getByText('Text part').click();
    await email.locator('details pre').getByText(/Tack för att du sökt tjänsten som Backend Engineer/).waitFor();

    // Newest first.
    const sent = (await times(page.locator('article time'))).map((t) => t.at);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect([...sent].sort().reverse()).toEqual(sent);
    await screenshot(page, 'outbox');
  });
  it('renders an older board shape (no last or next message) and highlights an SLA breach with its reasons', async () => {
    const old = await context.newPage();
    const waitingSince = new Date(Date.now() - 26 * 3_600_000).toISOString();
    await old.route('**/api/v1/applications?*', (route) =>
      route.fulfill({
        json: {
          applications: [
            { applicationId: 'old-shape-1', stage: 'screening', waitingSince, startedAt: waitingSince, sla: 'breached', openAlerts: 1, alertReasons: ['silence'] },
            { applicationId: 'old-shape-2', stage: 'applied', waitingSince: new Date().toISOString(), startedAt: waitingSince, sla: 'ok', openAlerts: 0, alertReasons: [] },
          ],
          total: 2,
          truncated: false,
        },
      }),
    );
    await old.goto(`${t.base}/console#/board`);
    await old.getByRole('heading', { name: 'Candidates, longest waiting first' }).waitFor();
    expect(await old.getByRole('columnheader').allTextContents()).toEqual(['Application', 'Stage', 'Waiting', 'SLA']);
    const breached = old.getByRole('row').filter({ has: old.getByRole('link', { name: 'old-shape-1' }) });
    await breached.getByText('SLA breached').waitFor();
    await breached.getByText('silence').waitFor();
    expect(await breached.getAttribute('class')).toBe('breached');
    expect(await breached.getByRole('cell').nth(1).textContent()).toBe('1 d 2 h');
    expect(await old.getByRole('rowheader').allTextContents()).toEqual(['old-shape-1', 'old-shape-2']);
    await old.close();
  });
});
