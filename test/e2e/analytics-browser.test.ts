import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { RANGE, seedAnalyticsHistory } from '../helpers/analytics-history';
import { apiHarness, type ApiHarness } from '../helpers/api-harness';
import { launchChromium, screenshot } from '../helpers/browser';

describe('the console’s analytics page in headless Chromium, over a seeded history', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    api = await apiHarness();
    await seedAnalyticsHistory(api.db);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    context.on('weberror', (error) => pageErrors.push(`page error: ${error.error().message}`));
    context.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('draws the charts with the seeded numbers, shows the key figures, and downloads the same CSV as the API', async () => {
    // This harness has no Temporal client (the board answers 503), so the page opens on the analytics route.
    await page.goto(`${api.base}/console#/analytics?from=${RANGE.from}&to=${RANGE.to}`);
    await page.getByLabel('API key').fill(api.keys.acme);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByRole('heading', { name: 'The promise in figures' }).waitFor();
    expect(await page.getByRole('link', { name: 'Analytics' }).getAttribute('aria-current')).toBe('page');
    const silence = page.getByRole('img', { name: /Longest silence per candidate/ });
    await silence.locator('rect[data-label="6"][data-value="1"]').waitFor();

    const terms = await page.locator('#kpi dt').allTextContents();
    const values = await page.locator('#kpi dd').allTextContents();
    const figures = Object.fromEntries(terms.map((term, i) => [term, values[i]]));
    expect(figures).toEqual({
      Applications: '4',
      'Acknowledged, p50': '2 min',
      'Acknowledged, p95': '1 h 0 min',
      'Silence promise kept': '75%',
      'Closed with a closing message': '66.7%',
      'Reply rate': '25%',
      'Survey score': '3',
    });
    // Each chart's bars as label → number, read from the drawn SVG (its bars and the numbers written beside them).
    const bars = async (name: RegExp) =>
      Promise.all(
        (await page.getByRole('img', { name }).locator('g.bar').all()).map(async (g) => {
          const rect = g.locator('rect');
          return [await rect.getAttribute('data-label'), await g.locator('text.value').textContent(), Number(await rect.getAttribute('width')) > 0];
        }),
      );
    expect(await bars(/Time to acknowledgement \(p50 2 min, p95 1 h\)/)).toEqual([
      ['≤ 1 min', '1', true], ['≤ 5 min', '1', true], ['≤ 15 min', '1', true], ['≤ 1 h', '1', true], ['≤ 4 h', '0', false], ['≤ 1 d', '0', false], ['> 1 d', '0', false],
    ]);
    expect((await bars(/Longest silence/)).filter(([, n]) => n !== '0')).toEqual([['0', '1', true], ['1', '1', true], ['2', '1', true], ['6', '1', true]]);
    expect(await bars(/Messages per stage and channel/)).toEqual([['applied · email', '3', true], ['applied · sms', '1', true], ['screening · email', '1', true], ['rejected · email', '2', true]]);
    expect(await bars(/Delivery failures and fallbacks/)).toEqual([['email failed', '0 of 6', false], ['email fell back', '0', false], ['sms failed', '1 of 2', true], ['sms fell back', '1', true]]);
    expect(await bars(/Stage funnel/)).toEqual([['applied', '4 · 1 d', true], ['screening', '2 · 1 d', true], ['rejected', '2 · 1 min', true]]);
    expect(await bars(/Survey scores \(average 3 of 2\)/)).toEqual([['1 ★', '0', false], ['2 ★', '1', true], ['3 ★', '0', false], ['4 ★', '1', true], ['5 ★', '0', false]]);
    await screenshot(page, 'console-analytics');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const fromApi = await api.call('acme', 'GET', `/api/v1/analytics.csv?from=${RANGE.from}&to=${RANGE.to}`);
    expect(readFileSync(await download.path(), 'utf8')).toBe(fromApi.body);
    expect(download.suggestedFilename()).toBe(`candor-analytics-${RANGE.from}-${RANGE.to}.csv`);

    // The form narrows to one journey version (C and D).
    await page.getByLabel('Journey version').fill('default-en@bbb');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#kpi dd').first().filter({ hasText: /^2$/ }).waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe(RANGE.from);
    expect(pageErrors).toEqual([]);
  });
});
