import type { Browser, Page } from 'playwright-core';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { launchChromium, screenshot, untilVisible } from '../helpers/browser';
import { unique } from '../helpers/env';
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
  const pageErrors: string[] = [];
  let browser: Browser;
  let page: Page;

  const send = async (applicationId: string, firstName: string, lastName: string, jobTitle: string, url?: string) => {
    const created = exampleData(applicationId)['ats.application.created'];
    const data = { ...created, application: { ...created.application, jobTitle, ...(url ? { url } : {}) }, candidate: { ...created.candidate, firstName, lastName } };
    const event = exampleEvent('ats.application.created', { tenant: 'demo', applicationId, data });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(event) }] });
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
});
