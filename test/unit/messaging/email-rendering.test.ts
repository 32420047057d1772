import { loadDefaultJourneys } from '../../../core/journeys/default-journeys';
import { contrastRatio } from '../../../core/messaging/colour';
import { DEFAULT_ACCENT } from '../../../core/messaging/email-html';
import { emailSender, formatAddress } from '../../../core/messaging/sender';
import { bodyLayoutWarnings, renderEmail, renderSms, SAMPLE_CONTACT, SAMPLE_STATUS_URL, type RenderData } from '../../../core/messaging/templates';
import { layoutText, reflowText } from '../../../core/messaging/text-layout';
import { SetBranding } from '../../../services/api/admin/schemas';
import { messagesWithPaths } from '../../../workflows/engine';

const UNSUBSCRIBE = 'https://candor.example.com/unsubscribe?token=AbC-123_xyz';
const data = (locale: string): RenderData => ({
  locale,
  timeZone: 'Europe/Stockholm',
  companyName: 'Acme Robotics',
  brand: { accentColour: '#0f766e' },
  contact: SAMPLE_CONTACT,
  statusUrl: SAMPLE_STATUS_URL,
});

/** Every e-mail text of both default journeys: journey, path, locale, source body. */
const everyText = [...loadDefaultJourneys().values()].flatMap(({ definition }) =>
  messagesWithPaths(definition).flatMap(({ path, message }) =>
    Object.entries(message.text ?? {}).map(([locale, text]) => ({ name: `${definition.id} ${path} (${message.template}, ${locale})`, template: message.template, locale, text })),
  ),
);

/** The body's paragraphs as the author wrote them, each with the number of line breaks asked for (lines ending in \). */
const sourceParagraphs = (body: string) =>
  body
    .trim()
    .split(/\n\s*\n/)
    .map((p) => ({ lines: p.split('\n').length, asked: p.split('\n').filter((l) => l.trimEnd().endsWith('\\')).length }));

const VOID = new Set(['meta', 'br', 'img', 'link', 'hr', 'input']);
/** Problems that make HTML not well formed or not accessible: unbalanced tags, unquoted attributes, no language, headings, link texts, alt texts. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (!html.startsWith('<!doctype html>')) problems.push('no doctype');
  if (!/<html lang="[a-z]{2}(-[A-Z]{2})?">/.test(html)) problems.push('no language on <html>');
  if (!/<meta charset="utf-8">/.test(html)) problems.push('no charset');
  if (!/<title>[^<]+<\/title>/.test(html)) problems.push('no title');
  if ((html.match(/<h1[ >]/g) ?? []).length !== 1) problems.push('not exactly one <h1>');
  const open: string[] = [];
  for (const [tag, slash, name, attrs] of html.matchAll(/<(\/?)([a-z][a-z0-9]*)([^>]*)>/g)) {
    if (!/^(\s+[a-z-]+(="[^"<]*")?)*\s*$/.test(attrs!)) problems.push(`malformed attributes in ${tag}`);
    if (slash) {
      if (open.pop() !== name) problems.push(`</${name}> closes ${open.at(-1) ?? 'nothing'}`);
    } else if (!VOID.has(name!)) open.push(name!);
  }
  if (open.length) problems.push(`unclosed: ${open.join(', ')}`);
  for (const [, href, text] of html.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)) {
    if (!/^https?:\/\//.test(href!) || !text!.trim()) problems.push(`link ${href} without a target or text`);
  }
  if ((html.match(/<a /g) ?? []).length !== (html.match(/<a href="[^"]*"[^>]*>[^<]+<\/a>/g) ?? []).length) problems.push('a link with markup or no text');
  for (const [img] of html.matchAll(/<img [^>]*>/g)) if (!/ alt="[^"]+"/.test(img)) problems.push('image without alt text');
  // Nothing is fetched from elsewhere: no stylesheet, script, font or image URL (this tenant has no logo).
  if (/<(link|script)\b|url\(|@import|src="/.test(html)) problems.push('remote content');
  return problems;
}

describe('e-mail rendering of every template of both default journeys', () => {
  it('covers both default journeys in English and Swedish', () => {
    expect(new Set(everyText.map((t) => t.locale))).toEqual(new Set(['en', 'sv']));
    expect(everyText.length).toBeGreaterThanOrEqual(2 * 17);
    // Nearly every body has a paragraph the YAML wraps over several lines: the case this rule is for.
    expect(everyText.filter((t) => sourceParagraphs(t.text.body).some((p) => p.lines > p.asked + 1)).length).toBeGreaterThan(everyText.length - 4);
  });

  it.each(everyText.map((t) => [t.name, t] as const))('%s: paragraphs reflow, breaks only where asked, display name, links intact, HTML valid', async (_, t) => {
    const email = await renderEmail(t.template, { [t.locale]: t.text }, data(t.locale), UNSUBSCRIBE);
    const source = sourceParagraphs(t.text.body);

    // No forced break inside a paragraph: each <p> of the body has exactly the breaks its author asked for,
    // and so does each paragraph of the text part.
    const body = email.html.slice(email.html.indexOf('</h1>'), email.html.indexOf('<p class="footer"'));
    const paragraphs = [...body.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => m[1]!);
    expect(paragraphs.map((p) => (p.match(/<br>/g) ?? []).length)).toEqual(source.map((p) => p.asked));
    const textParagraphs = email.text.split('\n\n--\n')[0]!.split('\n\n');
    expect(textParagraphs.map((p) => p.split('\n').length - 1)).toEqual(source.map((p) => p.asked));
    expect(email.text).not.toMatch(/\\\n|\\$/m);
    expect(email.html).not.toContain('\\');

    // The company is the display name, in the masthead and wherever the text names it.
    expect(email.html).toContain('<p class="brand" style="margin:0 0 12px;font-size:15px;font-weight:600;color:#1f2328">Acme Robotics</p>');
    if (t.text.body.includes('company.name')) expect(email.text).toContain('Acme Robotics');

    // Links intact: every URL of the text part is one link in the HTML, whole.
    const urls = [...new Set(email.text.match(/https?:\/\/\S+[^\s.,;:!?)]/g) ?? [])];
    expect(urls).toContain(UNSUBSCRIBE);
    if (t.text.body.includes('statusUrl')) expect(urls).toContain(SAMPLE_STATUS_URL);
    for (const url of urls.filter((u) => u !== UNSUBSCRIBE)) expect(email.html).toContain(`<a href="${url}" style="word-break:break-all">${url}</a>`);
    expect(email.html).toContain(`<a href="${UNSUBSCRIBE}">`);

    expect(htmlProblems(email.html)).toEqual([]);
    expect(email.html).toContain(`<html lang="${t.locale}">`);
    expect(email.html).toContain('@media (prefers-color-scheme: dark)');
    expect(email.subject).not.toContain('\n');
  });

  it.each(everyText.map((t) => [t.name, t] as const))('%s: the SMS has no break inside a paragraph', async (_, t) => {
    const sms = await renderSms(t.template, { [t.locale]: t.text }, data(t.locale));
    const wanted = t.text.sms === undefined ? sourceParagraphs(t.text.body).reduce((n, p) => n + p.asked, 0) + sourceParagraphs(t.text.body).length - 1 : 0;
    expect(sms.text.split('\n').filter((l) => l !== '').length - 1).toBe(wanted);
  });
});

describe('the line-break rule', () => {
  it('joins wrapped lines, keeps a break asked for with \\, makes lists of "- " lines and paragraphs of blank lines', () => {
    const text = 'Hi Ada,\r\n\r\nYour application has\narrived safely.  \n\nWhat to bring:\n\n- your passport\n- a pen,\n  blue or black\n* nothing else\n\nBest wishes, \\\nMaja\\\n\n\n\nAcme';
    expect(layoutText(text)).toEqual([
      { kind: 'paragraph', lines: ['Hi Ada,'] },
      { kind: 'paragraph', lines: ['Your application has arrived safely.'] },
      { kind: 'paragraph', lines: ['What to bring:'] },
      { kind: 'list', items: ['your passport', 'a pen, blue or black', 'nothing else'] },
      { kind: 'paragraph', lines: ['Best wishes,', 'Maja'] },
      { kind: 'paragraph', lines: ['Acme'] },
    ]);
    expect(reflowText(text)).toBe('Hi Ada,\n\nYour application has arrived safely.\n\nWhat to bring:\n\n- your passport\n- a pen, blue or black\n- nothing else\n\nBest wishes,\nMaja\n\nAcme');
  });

  it('warns (validation) about a sign-off written before the rule, which would now read as one line; the default journeys have none', () => {
    for (const { definition } of loadDefaultJourneys().values()) expect(bodyLayoutWarnings(definition)).toEqual([]);
    const { definition } = loadDefaultJourneys().get('en')!;
    const old = structuredClone(definition);
    old.stages.applied.onEnter[0]!.text!.en!.body = 'Hi {{ candidate.firstName }},\n\nThanks for applying.\n\nBest wishes,\n{{ recruiter.name }}';
    expect(bodyLayoutWarnings(old)).toEqual([
      { path: 'stages.applied.onEnter[0].text.en.body', message: '"Best wishes, {{ recruiter.name }}" will read as one line (single line breaks are joined); end the line with \\ to keep the break: "Best wishes, \\"' },
    ]);
  });

  it('renders a list as a list and a URL at the end of a sentence as a link without the full stop', async () => {
    const email = await renderEmail('t', { en: { subject: 'S', body: 'Read:\n\n- https://acme.example/a?x=1&y=2.\n- two' } }, data('en'), UNSUBSCRIBE);
    expect(email.html).toContain('<ul style="margin:0 0 16px;padding-left:24px"><li><a href="https://acme.example/a?x=1&amp;y=2" style="word-break:break-all">https://acme.example/a?x=1&amp;y=2</a>.</li><li>two</li></ul>');
    expect(email.text).toContain('- https://acme.example/a?x=1&y=2.\n- two');
  });
});

describe('branding in the HTML part', () => {
  it('uses a readable accent for links and the rule, falls back to Candor\'s for a light one, and shows a logo with the name as its text', async () => {
    const dark = await renderEmail('t', { en: { subject: 'S', body: 'B' } }, data('en'), UNSUBSCRIBE);
    expect(dark.html).toContain('a { color: #0f766e;');
    expect(dark.html).toContain('border-top:4px solid #0f766e');
    const light = await renderEmail('t', { en: { subject: 'S', body: 'B' } }, { ...data('en'), brand: { accentColour: '#ffd400', logoUrl: 'https://cdn.acme.example/logo.png' } }, UNSUBSCRIBE);
    expect(light.html).toContain(`a { color: ${DEFAULT_ACCENT};`);
    expect(light.html).toContain('border-top:4px solid #ffd400');
    expect(light.html).toContain('<img src="https://cdn.acme.example/logo.png" alt="Acme Robotics" height="32"');
    expect(contrastRatio(DEFAULT_ACCENT, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('validates settings: one-line name, https logo, accent dark enough for links on white, a domain; null clears', () => {
    expect(SetBranding.parse({ displayName: ' Acme Robotics ', accentColour: '#0F766E', sendingDomain: 'Mail.Acme.COM', logoUrl: null })).toEqual({
      displayName: 'Acme Robotics',
      accentColour: '#0f766e',
      sendingDomain: 'mail.acme.com',
      logoUrl: null,
    });
    const problems = (body: unknown) => {
      const r = SetBranding.safeParse(body);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ accentColour: '#ffd400' })).toEqual([expect.stringMatching(/^accentColour: is too light for links on white \(contrast 1\.\d:1, needs 4\.5:1\)/)]);
    expect(problems({ logoUrl: 'http://acme.example/logo.png' })).toEqual([expect.stringMatching(/^logoUrl: must be an https:\/\/ URL/)]);
    expect(problems({ displayName: 'Acme\nRobotics' })).toEqual(['displayName: must be one line of text']);
    expect(problems({ displayName: '' })).toHaveLength(1);
    expect(problems({ sendingDomain: 'acme' })).toHaveLength(1);
    expect(problems({ colour: '#000000' })).toHaveLength(1);
  });
});

describe('who an e-mail comes from', () => {
  const base = { platformFrom: 'jobs@candor-mail.example', tenant: 'acme', displayName: 'Acme Robotics', locale: 'en' };

  it('is the recruiter at the company, from the tenant\'s sending domain, when it has one', () => {
    const sender = emailSender({ ...base, sendingDomain: 'mail.acme.example', recruiterName: 'Louise Berg' });
    expect(formatAddress(sender.from)).toBe('"Louise Berg at Acme Robotics" <jobs@mail.acme.example>');
    expect(formatAddress(sender.replyTo)).toBe('"Louise Berg at Acme Robotics" <jobs+acme@candor-mail.example>');
    expect(emailSender({ ...base, locale: 'sv-FI', sendingDomain: 'mail.acme.example', recruiterName: 'Louise Berg' }).from.name).toBe('Louise Berg på Acme Robotics');
  });

  it('is the company, from Candor\'s address, without a sending domain or without a recruiter; replies always come back to Candor', () => {
    const shared = emailSender({ ...base, recruiterName: 'Louise Berg' });
    expect(shared.from).toEqual({ name: 'Acme Robotics', email: 'jobs@candor-mail.example' });
    expect(shared.replyTo).toEqual({ name: 'Acme Robotics', email: 'jobs+acme@candor-mail.example' });
    expect(emailSender({ ...base, sendingDomain: 'mail.acme.example' }).from).toEqual({ name: 'Acme Robotics', email: 'jobs@mail.acme.example' });
  });

  it('keeps a name on one line and quotes it safely', () => {
    const sender = emailSender({ ...base, sendingDomain: 'mail.acme.example', recruiterName: 'Eve "the\r\nRecruiter"' });
    expect(formatAddress(sender.from)).toBe('"Eve \\"the Recruiter\\" at Acme Robotics" <jobs@mail.acme.example>');
  });
});
