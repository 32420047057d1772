import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { createSandboxProvider, sendMessage, type SendDeps } from '../../activities/messaging';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { addApiKey, generateApiKey } from '../../core/store';
import { generateAdminKey, registerAdminApi } from '../../services/api/admin';
import { registerOutboxRoute } from '../../services/api/messaging/outbox';
import { registerApiV1 } from '../../services/api/v1';
import { launchChromium, screenshot } from '../helpers/browser';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';

const journeys = loadDefaultJourneys();
const ack = journeys.get('en')!.definition.stages.applied.onEnter[0]!;
/** For each paragraph of the acknowledgement's body: how many line breaks its author asked for (lines ending in \). */
const asked = ack.text!.en!.body.trim().split(/\n\s*\n/).map((p) => p.split('\n').filter((l) => l.trimEnd().endsWith('\\')).length);

interface Line {
  width: number;
  /** The last line before a <br> or the end of the paragraph. */
  endsSegment: boolean;
  last: boolean;
}
interface Measured {
  text: string;
  width: number;
  lines: Line[];
}

/**
 * Runs in the e-mail's document (as source: this project compiles without the DOM's types): the body's
 * paragraphs (in the card, after the heading), each with the width of its lines as laid out, found by grouping
 * the client rectangles of each run between <br>s into rows.
 */
const MEASURE_PARAGRAPHS = `(() => [...document.querySelectorAll('.card h1 ~ p')].map((p) => {
  const segments = [[]];
  for (const node of p.childNodes) {
    if (node.nodeName === 'BR') segments.push([]);
    else segments[segments.length - 1].push(node);
  }
  const lines = [];
  segments.forEach((nodes, s) => {
    if (nodes.length === 0) return;
    const range = document.createRange();
    range.setStartBefore(nodes[0]);
    range.setEndAfter(nodes[nodes.length - 1]);
    const rows = [];
    for (const rect of [...range.getClientRects()].filter((r) => r.width > 0).sort((a, b) => a.top + a.bottom - (b.top + b.bottom))) {
      const middle = (rect.top + rect.bottom) / 2;
      const row = rows.find((r) => Math.abs(r.middle - middle) < 8);
      if (row) { row.left = Math.min(row.left, rect.left); row.right = Math.max(row.right, rect.right); }
      else rows.push({ middle, left: rect.left, right: rect.right });
    }
    rows.forEach((row, i) => lines.push({ width: row.right - row.left, endsSegment: i === rows.length - 1, last: s === segments.length - 1 && i === rows.length - 1 }));
  });
  return { text: (p.textContent || '').slice(0, 50), width: p.getBoundingClientRect().width, lines };
}))()`;
const measure = (where: Page | Frame) => where.evaluate<Measured[]>(MEASURE_PARAGRAPHS);

/** Lines shorter than half their paragraph's width, other than its last line and the breaks its author asked for. */
function raggedLines(measured: Measured[]): string[] {
  expect(measured).toHaveLength(asked.length);
  return measured.flatMap((p, i) => {
    const short = p.lines.filter((l) => !l.last && l.width < p.width / 2);
    const wanted = short.filter((l) => l.endsSegment).length <= asked[i]! ? short.filter((l) => !l.endsSegment) : short;
    return wanted.map((l) => `"${p.text}…": a line ${Math.round(l.width)} px wide in ${Math.round(p.width)} px`);
  });
}

/** Runs in the e-mail's document: language, headings, links, and the contrast of its text, links and footer on their backgrounds. */
const ACCESSIBILITY = `(() => {
  const lum = (c) => {
    const [r, g, b] = (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number).map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const ratio = (selector) => {
    const el = document.querySelector(selector);
    return Math.round(contrast(getComputedStyle(el).color, background(el)) * 10) / 10;
  };
  return {
    lang: document.documentElement.lang,
    headings: [...document.querySelectorAll('h1, h2, h3')].map((h) => h.tagName + ' ' + h.textContent),
    links: [...document.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
    card: getComputedStyle(document.querySelector('.card')).backgroundColor,
    contrast: { text: ratio('.card h1 ~ p'), heading: ratio('h1'), link: ratio('.card a'), footer: ratio('.footer'), footerLink: ratio('.footer a') },
    overflows: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  };
})()`;
interface Accessibility {
  lang: string;
  headings: string[];
  links: { href: string | null; text: string | null }[];
  card: string;
  contrast: Record<string, number>;
  overflows: boolean;
}

describe('an e-mail as the candidate reads it, in headless Chromium: phone and desktop widths, light and dark', () => {
  const t = useFixture({ tenants: ['acme'] });
  const adminKey = generateAdminKey();
  const apiKey = generateApiKey();
  let app: FastifyInstance;
  let base = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let html = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await addApiKey(t.db, 'acme', apiKey, 'test');
    app = Fastify();
    registerApiV1(app, { db: t.db, temporal: undefined, publicUrl: 'https://candor.example.com' });
    registerAdminApi(app, { db: t.db, adminKey, publicUrl: 'https://candor.example.com' });
    registerOutboxRoute(app, { db: t.db });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // The operator brands the tenant; the acknowledgement goes through the real send path to the sandbox.
    const branded = await fetch(`${base}/admin/v1/tenants/acme/branding`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Acme Robotics', accentColour: '#0f766e', sendingDomain: 'mail.acme.example' }),
    });
    expect(branded.status).toBe(200);
    const deps: SendDeps = { db: t.db, providers: { email: createSandboxProvider(t.db, 'email'), sms: createSandboxProvider(t.db, 'sms') }, publicUrl: 'https://candor.example.com', calendarFor: () => journeys.get('en')!.definition, now: () => STOCKHOLM_MORNING };
    const request = deliverRequest({ applicationId: 'app-email-browser', channel: 'email', locale: 'en', timeZone: 'Europe/London', template: ack.template, text: ack.text });
    await new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') }).run(() => sendMessage(deps, request));
    const outbox = (await (await fetch(`${base}/api/v1/outbox?applicationId=app-email-browser`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { messages: { html: string }[] };
    html = outbox.messages[0]!.html;

    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    context.on('weberror', (error) => pageErrors.push(`page error: ${error.error().message}`));
    context.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('reflows every paragraph at 360 and 1280 px, in the light and the dark scheme, fetching nothing, readable and accessible', async () => {
    const mail = await context.newPage();
    const fetched: string[] = [];
    await mail.route('**/*', (route) => {
      fetched.push(route.request().url());
      return route.abort();
    });
    for (const width of [360, 1280]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        await mail.setViewportSize({ width, height: 800 });
        await mail.emulateMedia({ colorScheme });
        await mail.setContent(html, { waitUntil: 'load' });
        expect(raggedLines(await measure(mail))).toEqual([]);
        const a11y = await mail.evaluate<Accessibility>(ACCESSIBILITY);
        expect(a11y).toMatchObject({ lang: 'en', headings: ["H1 We've got your application for Backend Engineer"], overflows: false });
        expect(a11y.links.every((l) => /^https?:\/\//.test(l.href ?? '') && l.text)).toBe(true);
        expect(a11y.card).toBe(colorScheme === 'dark' ? 'rgb(30, 30, 30)' : 'rgb(255, 255, 255)');
        for (const [what, ratio] of Object.entries(a11y.contrast)) expect({ what, colorScheme, enough: ratio >= 4.5 }).toEqual({ what, colorScheme, enough: true });
        // The README shows email-phone-light.png as docs/email-phone.png.
        if (width === 360) await screenshot(mail, `email-phone-${colorScheme}`);
        if (width === 1280 && colorScheme === 'light') await screenshot(mail, 'email-desktop-light');
      }
    }
    // At a phone's width the paragraphs use most of the screen.
    await mail.setViewportSize({ width: 360, height: 800 });
    await mail.emulateMedia({ colorScheme: 'light' });
    await mail.setContent(html, { waitUntil: 'load' });
    const phone = await measure(mail);
    expect(Math.min(...phone.map((p) => p.width))).toBeGreaterThan(280);
    expect(fetched).toEqual([]);
    await mail.close();
  });

  it('the console\'s outbox shows From, Reply-To and the e-mail at phone and desktop width and in its dark scheme', async () => {
    // Straight to the outbox (this server runs no journeys, so the board has nothing to show).
    await page.goto(`${base}/console#/outbox`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    const email = page.locator('article.msg', { has: page.getByRole('heading', { name: "E-mail: We've got your application for Backend Engineer" }) });
    await email.waitFor();
    const facts = email.locator('dl.facts');
    expect(await facts.locator('dt:has-text("From") + dd').textContent()).toBe('"Maja Lind at Acme Robotics" <candidates@mail.acme.example>');
    expect(await facts.locator('dt:has-text("Reply-To") + dd').textContent()).toBe('"Maja Lind at Acme Robotics" <candidates+acme@sandbox.candor.invalid>');

    const iframe = email.locator('iframe');
    expect(await iframe.getAttribute('sandbox')).toBe('');
    const frame = (await (await iframe.elementHandle()).contentFrame())!;
    // The frame's content width: its box less its 1 px border on each side.
    const frameWidth = async () => Math.round((await iframe.boundingBox())!.width) - 2;
    await frame.waitForSelector('.card h1');
    expect(await frameWidth()).toBe(360);
    expect(raggedLines(await measure(frame))).toEqual([]);
    await screenshot(page, 'email-console-phone');

    await email.getByRole('button', { name: 'Desktop' }).click();
    expect(await email.getByRole('button', { name: 'Desktop' }).getAttribute('aria-pressed')).toBe('true');
    expect(await frameWidth()).toBe(1280);
    expect(raggedLines(await measure(frame))).toEqual([]);

    await email.getByRole('button', { name: 'Phone' }).click();
    await email.getByRole('button', { name: 'Dark scheme' }).click();
    const dark: Frame = (await (await iframe.elementHandle()).contentFrame())!;
    await dark.waitForFunction("getComputedStyle(document.querySelector('.card')).backgroundColor === 'rgb(30, 30, 30)'");
    expect(raggedLines(await measure(dark))).toEqual([]);
    await screenshot(page, 'email-console-dark');
  });

  it('the journey editor previews an e-mail as the send path renders it, under the tenant\'s display name', async () => {
    await page.goto(`${base}/console#/journeys/default-en`);
    await page.getByRole('heading', { name: 'Journey default-en' }).waitFor();
    const first = page.locator('#simulation article.msg', { has: page.getByRole('button', { name: 'Preview the e-mail' }) }).first();
    await first.waitFor();
    // The simulation's text is laid out like the text part: the YAML's wrapping is gone.
    expect(await first.locator('pre').textContent()).toContain('Your application has arrived safely');
    await first.getByRole('button', { name: 'Preview the e-mail' }).click();
    await first.locator('.email-view iframe').waitFor();
    await first.frameLocator('.email-view iframe').getByText('Acme Robotics', { exact: true }).waitFor();
    expect(Math.round((await first.locator('.email-view iframe').boundingBox())!.width) - 2).toBe(360);
  });
});
