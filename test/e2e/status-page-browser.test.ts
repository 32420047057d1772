import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { launchChromium, screenshot, untilVisible } from '../helpers/browser';
import { unique } from '../helpers/env';
import { daytimeZone } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';

/** A phone's viewport (CSS pixels of a common 6.1" phone). */
const PHONE = { width: 390, height: 844 };

/**
 * Checks what axe-core's serious rules would find on a server-rendered page, through the accessibility tree and
 * layout Chromium computes (scripts are off, so nothing is injected): a language, one h1, a main landmark, every
 * form control and button named, radio groups in a named fieldset, touch targets of at least 44 by 44 CSS pixels,
 * and nothing wider than the phone.
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  if (!/^(sv|en)$/.test((await page.locator('html').getAttribute('lang')) ?? '')) problems.push('html has no lang');
  if ((await page.getByRole('heading', { level: 1 }).count()) !== 1) problems.push('not exactly one h1');
  if ((await page.getByRole('main').count()) !== 1) problems.push('no main landmark');
  const named = async (control: Locator) => {
    const id = await control.getAttribute('id');
    return ((await control.textContent()) ?? '').trim() !== '' || (id !== null && (await page.locator(`label[for="${id}"]`).count()) === 1) || (await control.locator('xpath=ancestor::label').count()) === 1;
  };
  for (const [selector, minHeight] of [['button', 44], ['a', 0], ['textarea', 44], ['input:not([type=hidden])', 0]] as const) {
    for (const control of await page.locator(selector).all()) {
      const what = `${selector} ${((await control.textContent()) ?? '').trim()}`;
      if (!(await named(control))) problems.push(`no accessible name: ${what}`);
      const box = await control.boundingBox();
      if (box && box.x + box.width > PHONE.width + 0.5) problems.push(`wider than the phone: ${what}`);
      if (box && box.height < minHeight) problems.push(`touch target under ${minHeight}px: ${what}`);
    }
  }
  for (const radio of await page.locator('input[type=radio]').all()) {
    if ((await radio.locator('xpath=ancestor::fieldset/legend').count()) !== 1) problems.push('a radio button outside a fieldset with a legend');
  }
  const body = await page.locator('body').boundingBox();
  if (body && body.width > PHONE.width + 0.5) problems.push(`page wider than the phone: ${body.width}px`);
  return problems;
}

/** axe-core's browser bundle, injected into an audit copy of the page (the candidate's page itself runs no script). */
const AXE_SOURCE = readFileSync(join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0-2.2 A/AA and best practices) on `url` at the phone's viewport and returns the serious and
 * critical violations as "rule: target" lines. The audit needs JavaScript, so it runs in its own context with
 * scripts on and the page's CSP bypassed for the injected bundle only; the page it audits is the same server-rendered
 * HTML the no-JavaScript phone gets.
 */
async function axeViolations(browser: Browser, url: string): Promise<string[]> {
  const audit = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled: true, bypassCSP: true });
  try {
    const page = await audit.newPage();
    const response = await page.goto(url);
    expect(response!.status()).toBe(200);
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(async () => {
      const { axe, document } = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[] }> } };
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.targets.map((target) => `${v.id}: ${target}`));
  } finally {
    await audit.close();
  }
}

describe('candidate status page in headless Chromium: a phone, no JavaScript, Swedish and English', () => {
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all' }), producer: true });
  const applicationId = unique('status');
  const zone = daytimeZone();
  const requests: string[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let link: string;

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${t.candor.demo!.apiKey}` } })).json()) as T;
  const send = async (type: 'ats.application.created' | 'ats.application.withdrawn') => {
    const data = exampleData(applicationId);
    const event = type === 'ats.application.created'
      ? exampleEvent(type, { tenant: 'demo', applicationId, data: { ...data[type], candidate: { ...data[type].candidate, timeZone: zone } } })
      : exampleEvent(type, { tenant: 'demo', applicationId, data: data[type] });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(event) }] });
  };

  beforeAll(async () => {
    browser = await launchChromium();
    // The candidate's phone: no JavaScript at all, touch, their own zone (the page must not depend on the browser's).
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'sv-SE', timezoneId: 'Pacific/Honolulu' });
    context.on('request', (request) => requests.push(request.url()));
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a real message in the sandbox outbox links the page', async () => {
    await send('ats.application.created');
    const messages = await eventually(async () => {
      const { messages } = await api<{ messages: { channel: string; text: string }[] }>(`/api/v1/outbox?applicationId=${applicationId}`);
      return messages.some((m) => m.text.includes('/s/')) ? messages : undefined;
    }, 90_000);
    const ack = messages.find((m) => m.text.includes('/s/'))!;
    expect(ack.channel).toBe('email');
    link = new RegExp(`${t.base}/s/[A-Za-z0-9_-]{43}`).exec(ack.text)![0];
  });

  it('shows where the candidate stands, in Swedish and their time zone, on a phone without JavaScript', async () => {
    const response = await page.goto(link);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByRole('heading', { level: 1, name: 'Din ansökan till Backend Engineer' }).waitFor();
    await page.getByText('Din kontaktperson: Grace Hopper').waitFor();
    const current = page.locator('[aria-current="step"]');
    expect(await current.locator('.step-title').textContent()).toBe('Ansökan mottagen');
    expect(await page.getByRole('list').first().getByRole('listitem').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Urval/), expect.stringMatching(/^Intervjuer/), expect.stringMatching(/^Erbjudande/)]));
    // The journey's next promised message, by a date in the candidate's zone (not the browser's).
    await page.getByText(/^Du hör från oss senast \S+ \d{1,2} \S+ kl\. \d{2}:\d{2}\.$/).waitFor();
    await page.getByText(`Tiderna visas i din tidszon, ${zone}.`).waitFor();
    await page.getByRole('region', { name: 'Meddelanden vi har skickat dig' }).getByText(/Mejl: Ansökan mottagen/).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, `${link}?lang=sv`)).toEqual([]);
    await screenshot(page, 'status-page-sv');
  });

  it('switches to English with a plain link', async () => {
    await page.getByRole('link', { name: 'In English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your application for Backend Engineer' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('[aria-current="step"] .step-title').textContent()).toBe('Application received');
    await page.getByText(/^You will hear from us by \S+ \d{1,2} \S+ at \d{2}:\d{2} at the latest\.$/).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, `${link}?lang=en`)).toEqual([]);
    await screenshot(page, 'status-page-en');
  });

  it('asks a question without JavaScript, the recruiter answers it in the console inbox, and the answer reaches the candidate and both timelines', async () => {
    await page.getByLabel('Your question').fill('Can I do the interview in English?');
    await page.getByRole('button', { name: 'Send my question' }).click();
    await page.getByRole('status').filter({ hasText: /^Thank you\. Grace Hopper has your question and will answer by \S+ \d{1,2} \S+ at \d{2}:\d{2}\.$/ }).waitFor();
    await page.getByRole('region', { name: 'Your questions' }).getByText('Can I do the interview in English?').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, page.url())).toEqual([]);
    await screenshot(page, 'status-page-question-en');

    const recruiter = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const consolePage = await recruiter.newPage();
    await consolePage.goto(`${t.base}/console#/inbox`);
    await consolePage.getByLabel('API key').fill(t.candor.demo!.apiKey);
    await consolePage.getByRole('button', { name: 'Use key' }).click();
    await consolePage.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await consolePage.getByRole('link', { name: 'Inbox' }).getAttribute('aria-current')).toBe('page');
    const question = consolePage.getByRole('listitem').filter({ hasText: 'Can I do the interview in English?' });
    await question.getByText('by status page').waitFor();
    await question.getByLabel(`Your answer to ${applicationId}`).fill('Yes, of course.');
    await screenshot(consolePage, 'console-inbox');
    await question.getByRole('button', { name: 'Send answer' }).click();
    await consolePage.getByText('Answer sent to the candidate').waitFor();
    await consolePage.goto(`${t.base}/console#/inbox?applicationId=${applicationId}&status=answered`);
    await consolePage.getByRole('heading', { name: `Questions from ${applicationId}` }).waitFor();
    await consolePage.getByText('Yes, of course.').waitFor();
    await recruiter.close();

    // The journey sends the answer on the candidate's channel (the sandbox outbox), and its timeline shows it.
    await eventually(async () => {
      const { messages } = await api<{ messages: { text: string; template: string }[] }>(`/api/v1/outbox?applicationId=${applicationId}`);
      return messages.some((m) => m.template === 'recruiter.answer' && m.text.includes('Yes, of course.')) || undefined;
    }, 90_000);
    await eventually(async () => {
      const { timeline } = await api<{ timeline: { type: string }[] }>(`/api/v1/applications/${applicationId}`);
      return timeline.some((e) => e.type === 'question.answered') || undefined;
    }, 60_000);
    const en = `${link}?lang=en`;
    await page.goto(en);
    await untilVisible(page.getByRole('region', { name: 'Your questions' }).getByText('Yes, of course.'), () => page.goto(en), 60_000);
    await page.getByRole('region', { name: 'Messages we have sent you' }).getByText(/Answer to your question/).waitFor();
  });

  it('stops e-mail with a form post, and the journey records the opt-out', async () => {
    await page.getByRole('button', { name: 'Stop e-mails about this application' }).click();
    await page.getByRole('status').filter({ hasText: 'Done: you will get no more e-mails about this application.' }).waitFor();
    expect(await page.getByRole('button', { name: 'Stop e-mails about this application' }).count()).toBe(0);
    await eventually(async () => {
      const { timeline } = await api<{ timeline: { type: string; channel?: string }[] }>(`/api/v1/applications/${applicationId}`);
      return timeline.some((e) => e.type === 'candidate.opted_out' && e.channel === 'email') || undefined;
    }, 60_000);
  });

  it('picks an interview time offered by the ATS, without JavaScript, in Swedish and English, on a phone', async () => {
    // The ATS offers two times (through Kafka and ingest, like any event): three days from now, an hour each.
    const day = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * 86_400_000;
    const slot = (id: string, hours: number) => ({ id, start: new Date(day + hours * 3_600_000).toISOString().replace('.000Z', 'Z'), end: new Date(day + (hours + 1) * 3_600_000).toISOString().replace('.000Z', 'Z'), location: 'Kungsgatan 1, Stockholm' });
    const offered = exampleEvent('ats.interview.slots_offered', { tenant: 'demo', applicationId, data: { application: { id: applicationId }, interview: { id: 'int-browser' }, slots: [slot(`${applicationId}-a`, 0), slot(`${applicationId}-b`, 2)] } });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(offered) }] });
    // The journey invites the candidate (e-mail is stopped now, so by SMS, with the page's link).
    await eventually(async () => {
      const { messages } = await api<{ messages: { template: string; text: string }[] }>(`/api/v1/outbox?applicationId=${applicationId}`);
      return messages.some((m) => m.template === 'interview.choose-time' && m.text.includes('/s/')) || undefined;
    }, 90_000);

    const sv = `${link}?lang=sv`;
    await page.goto(sv);
    await untilVisible(page.getByRole('link', { name: 'Välj en tid för din intervju' }), () => page.goto(sv), 60_000);
    await page.getByRole('link', { name: 'Välj en tid för din intervju' }).click();
    await page.getByRole('heading', { level: 1, name: 'Välj en tid för din intervju' }).waitFor();
    const times = page.getByRole('group', { name: 'Tider du kan välja bland' });
    expect(await times.getByRole('radio').count()).toBe(2);
    await page.getByText(`Tiderna visas i din tidszon, ${zone}.`).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, page.url())).toEqual([]);
    await screenshot(page, 'status-page-slots-sv');

    await page.getByRole('link', { name: 'In English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Choose a time for your interview' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, page.url())).toEqual([]);
    await screenshot(page, 'status-page-slots-en');
    await page.getByRole('group', { name: 'Times you can choose from' }).getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.getByRole('status').filter({ hasText: /^Done: your interview is booked for .+\. A confirmation is on its way/ }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    // The journey took the booked time as the interview: its reminders are scheduled.
    await eventually(async () => {
      const { timeline } = await api<{ timeline: { type: string }[] }>(`/api/v1/applications/${applicationId}`);
      return timeline.some((e) => e.type === 'interview.slot_chosen') || undefined;
    }, 60_000);

    // Accessibility needs go to the recruiter alone: the page only says they arrived; the console shows them.
    await page.getByLabel('What you need (only your contact sees it)').fill('A quiet room and a step-free entrance, please.');
    await page.getByRole('button', { name: 'Send to my contact' }).click();
    await page.getByRole('status').filter({ hasText: 'Thank you. Grace Hopper has what you need and will arrange it.' }).waitFor();
    expect(await page.getByText('A quiet room and a step-free entrance').count()).toBe(0);
    const recruiter = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const consolePage = await recruiter.newPage();
    await consolePage.goto(`${t.base}/console#/applications/${applicationId}`);
    await consolePage.getByLabel('API key').fill(t.candor.demo!.apiKey);
    await consolePage.getByRole('button', { name: 'Use key' }).click();
    const interview = consolePage.getByRole('region', { name: 'Interview' });
    await interview.getByText('A quiet room and a step-free entrance, please.').waitFor();
    await interview.getByRole('table', { name: 'Times offered' }).getByText('booked by this candidate').waitFor();
    await screenshot(consolePage, 'console-interview');
    await recruiter.close();

    // Withdrawing asks first; going back changes nothing.
    await page.goto(`${link}/withdraw?lang=en`);
    await page.getByRole('heading', { level: 1, name: 'Withdraw your application?' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, page.url())).toEqual([]);
    await page.getByRole('link', { name: 'No, keep my application' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your application for Backend Engineer' }).waitFor();
  });

  it('asks for the verdict once the journey has closed, in the candidate\'s language, and the recruiters read it per journey version and job', async () => {
    await send('ats.application.withdrawn');
    const sv = `${link}?lang=sv`;
    await page.goto(sv);
    await untilVisible(page.getByRole('group', { name: 'Hur upplevde du vår rekryteringsprocess?' }), () => page.goto(sv), 90_000);
    expect(await page.locator('[aria-current="step"] .step-title').textContent()).toBe('Återtagen');
    await page.getByText(/^Processen är avslutad \(Återtagen\)/).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await axeViolations(browser, sv)).toEqual([]);
    await screenshot(page, 'status-page-survey-sv');

    await page.getByLabel('2: dålig').check();
    await page.getByLabel('Något du vill berätta för oss? (valfritt)').fill('Det tog lång tid att få svar.');
    await page.getByRole('button', { name: 'Skicka mitt svar' }).click();
    await page.getByRole('status').filter({ hasText: 'Tack för ditt svar.' }).waitFor();
    expect(await page.getByRole('group', { name: 'Hur upplevde du vår rekryteringsprocess?' }).count()).toBe(0);

    const { groups } = await api<{ groups: { key: string; responses: number; averageScore: number; lowScores: number }[] }>('/api/v1/surveys?by=job');
    expect(groups.find((g) => g.key === 'job-42')).toMatchObject({ responses: 1, averageScore: 2, lowScores: 1 });
  });

  it('shows the recruiters the verdicts per journey version and job in the console', async () => {
    const recruiter = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const consolePage = await recruiter.newPage();
    await consolePage.goto(`${t.base}/console#/surveys`);
    await consolePage.getByLabel('API key').fill(t.candor.demo!.apiKey);
    await consolePage.getByRole('button', { name: 'Use key' }).click();
    await consolePage.getByRole('heading', { name: "Candidates' verdicts" }).waitFor();
    expect(await consolePage.getByRole('link', { name: 'Verdicts' }).getAttribute('aria-current')).toBe('page');
    const byJob = consolePage.getByRole('table', { name: 'Per job' });
    const row = byJob.getByRole('row').filter({ has: consolePage.getByRole('rowheader', { name: 'job-42' }) });
    expect(await row.getByRole('cell').allTextContents()).toEqual(['1', '2.0', '1: 0, 2: 1, 3: 0, 4: 0, 5: 0', '1']);
    await consolePage.getByRole('table', { name: 'Per journey version' }).getByRole('rowheader', { name: /^default-sv@/ }).waitFor();
    await consolePage.getByText(/^2\/5 · .+ · default-sv@\S+: Det tog lång tid att få svar\.$/).waitFor();
    await screenshot(consolePage, 'console-verdicts');
    await recruiter.close();
  });

  it('made no request anywhere but Candor', () => {
    expect(requests.length).toBeGreaterThan(4);
    expect(requests.filter((url) => !url.startsWith(`${t.base}/`))).toEqual([]);
  });
});
