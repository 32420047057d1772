import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { saveTenantAdapter } from '../../services/adapters';
import { hmacSha256Hex } from '../../services/adapters/signatures';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { recordRecruiterAlert } from '../../core/store/alerts';
import { launchChromium, screenshot, untilVisible } from '../helpers/browser';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';

/** One board item of GET /api/v1/applications, as far as this test reads it. */
interface BoardItem {
  applicationId: string;
  candidateName: string | null;
  jobTitle: string | null;
  atsUrl: string | null;
  stage: string;
}

describe('the board names candidates and jobs, and searches them (ingest -> sealed store -> api -> console)', () => {
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all' }), producer: true });
  const zoe = unique('names-zoe');
  const omar = unique('names-omar');
  const ada = unique('names-ada');
  // An application that arrives by Ashby webhook: the board links it to the candidate's page in Ashby.
  const grace = unique('names-grace');
  const graceCandidate = unique('ashby-cand');
  const ashbySecret = 'whsec-board-0123456789';
  const pageErrors: string[] = [];
  let browser: Browser;
  let page: Page;

  const send = async (applicationId: string, firstName: string, lastName: string, jobTitle: string, url?: string) => {
    const created = exampleData(applicationId)['ats.application.created'];
    const data = { ...created, application: { ...created.application, jobTitle, ...(url ? { url } : {}) }, candidate: { ...created.candidate, firstName, lastName } };
    const event = exampleEvent('ats.application.created', { tenant: 'demo', applicationId, data });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(event) }] });
  };
  /** Ashby's documented applicationSubmit delivery, signed as Ashby signs it, through the api's webhook route. */
  const submitToAshby = async () => {
    const body = JSON.stringify({
      action: 'applicationSubmit',
      webhookActionId: randomBytes(16).toString('hex'),
      data: {
        application: {
          id: grace,
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
          status: 'Active',
          candidate: { id: graceCandidate, name: 'Grace Hopper', primaryEmailAddress: { value: 'grace@example.com', type: 'Personal', isPrimary: true } },
          currentInterviewStage: { id: 'stage-new', title: 'Application Review', type: 'PreInterviewScreen', orderInInterviewPlan: 1 },
          job: { id: 'job-backend', title: 'Backend Engineer' },
          archiveReason: null,
        },
      },
    });
    const response = await fetch(`${t.base}/webhooks/ats/ashby/demo`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'ashby-signature': `sha256=${hmacSha256Hex(ashbySecret, body)}` } });
    expect(response.status).toBe(202);
  };
  const board = async (q: string): Promise<BoardItem[]> => {
    const response = await fetch(`${t.base}/api/v1/applications?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${t.candor.demo!.apiKey}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { applications: BoardItem[] }).applications;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    context.on('weberror', (error) => pageErrors.push(`page error: ${error.error().message}`));
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

  it('shows name, job and the ATS link on the board, finds them by name, job and stage, and keeps them sealed in the store', async () => {
    await send(zoe, 'Zoë', 'Andersson', 'Backend Engineer', `https://ats.example/applications/${zoe}`);
    await send(omar, 'Omar', 'Haddad', 'Product Designer');
    await send(ada, 'Ada', 'Lovelace', 'Backend Engineer');
    await saveTenantAdapter(t.candor.db, { tenant: 'demo', provider: 'ashby', secret: ashbySecret });
    await submitToAshby();

    await page.goto(`${t.base}/console`);
    await page.getByLabel('API key').fill(t.candor.demo!.apiKey);
    await page.getByLabel('API key').press('Enter');
    await page.getByRole('heading', { name: 'Candidates, longest waiting first' }).waitFor();

    const search = page.getByRole('searchbox', { name: 'Search by name, job or stage' });
    await search.fill('zoe');
    await page.getByRole('button', { name: 'Search' }).click();
    const zoeLink = page.getByRole('link', { name: zoe, exact: true });
    // The journeys write their board rows as they start: search again until this one is there.
    await untilVisible(zoeLink, () => page.getByRole('button', { name: 'Search' }).click(), 90_000);
    const row = page.getByRole('row').filter({ has: zoeLink });
    expect(await row.getByRole('rowheader').locator('.person').textContent()).toBe('Zoë Andersson');
    expect(await row.getByRole('rowheader').locator('.job').textContent()).toBe('Backend Engineer');
    expect(await row.getByRole('link', { name: /in the ATS/ }).getAttribute('href')).toBe(`https://ats.example/applications/${zoe}`);
    expect(await page.locator('#board tbody tr').count()).toBe(1);
    expect(page.url()).toContain('#/board?q=zoe');

    // By job: two candidates; Omar (another job) is not among them.
    await search.fill('backend');
    await page.getByRole('button', { name: 'Search' }).click();
    await untilVisible(page.getByRole('link', { name: ada, exact: true }), () => page.getByRole('button', { name: 'Search' }).click(), 90_000);
    await zoeLink.waitFor();
    // The Ashby application (webhook -> adapter -> Kafka -> ingest -> journey) links out to the candidate in Ashby.
    const graceLink = page.getByRole('link', { name: grace, exact: true });
    await untilVisible(graceLink, () => page.getByRole('button', { name: 'Search' }).click(), 90_000);
    const graceRow = page.getByRole('row').filter({ has: graceLink });
    expect(await graceRow.getByRole('rowheader').locator('.person').textContent()).toBe('Grace Hopper');
    expect(await graceRow.getByRole('link', { name: /in the ATS/ }).getAttribute('href')).toBe(`https://app.ashbyhq.com/candidates/${graceCandidate}`);
    expect(await page.getByRole('link', { name: omar, exact: true }).count()).toBe(0);
    await screenshot(page, 'board-names');

    // By stage and name together, and the API answers the same.
    await search.fill('applied haddad');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: omar, exact: true }).waitFor();
    expect(await page.locator('#board tbody tr').count()).toBe(1);
    expect((await board('applied haddad')).map((a) => [a.applicationId, a.candidateName, a.jobTitle, a.stage])).toEqual([[omar, 'Omar Haddad', 'Product Designer', 'applied']]);

    // The candidate's page names them and links out to the ATS.
    await page.goto(`${t.base}/console#/applications/${zoe}`);
    await page.getByRole('heading', { name: `Application ${zoe}` }).waitFor();
    expect(await page.locator('#candidate-name').textContent()).toBe('Zoë Andersson');
    expect(await page.getByRole('link', { name: 'Open the application in the ATS' }).getAttribute('href')).toBe(`https://ats.example/applications/${zoe}`);

    // At rest: sealed, with no name or job in any column of the table.
    const { rows } = await t.candor.db.query<Record<string, unknown>>('select * from application_people where tenant_id = $1 and application_id = any($2::text[])', ['demo', [zoe, omar, ada]]);
    expect(rows).toHaveLength(3);
    const stored = JSON.stringify(rows);
    for (const plain of ['Zoë', 'Zo\\u00eb', 'Andersson', 'Haddad', 'Lovelace', 'Backend', 'Designer', 'ats.example']) expect(stored).not.toContain(plain);
  });

  it('sends alerts by default: a whole Candor, no ALERT_SWEEP_SECONDS set, e-mails the recruiter named on the application (sandbox outbox)', async () => {
    // The events above named Grace Hopper (grace@acme.example) as Zoë's recruiter; an alert about Zoë reaches her.
    await recordRecruiterAlert(t.candor.db, { tenant: 'demo', applicationId: zoe, alertId: `demo:${zoe}:waiting:e2e`, reason: 'waiting', days: 8 });
    type Sent = { template: string; to: string; subject: string; text: string; html: string | null };
    const alertMail = await eventually(async () => {
      const response = await fetch(`${t.base}/api/v1/outbox?applicationId=${zoe}`, { headers: { authorization: `Bearer ${t.candor.demo!.apiKey}` } });
      return ((await response.json()) as { messages: Sent[] }).messages.find((m) => m.template === 'recruiter.alert');
    }, 90_000, 1_000);
    expect(alertMail).toMatchObject({ to: 'grace@acme.example', subject: 'Candor alert: Zoë Andersson (Backend Engineer)' });
    expect(alertMail.text).toContain(`has been waiting 8 days without a decision\n  Open in the console: ${t.base}/console#/applications/${zoe}`);
    expect(alertMail.html).toContain(`href="${t.base}/console#/alerts"`);
  });
});
