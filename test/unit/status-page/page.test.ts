import { createHash } from 'node:crypto';
import { renderInvalidLink, renderStatusPage, STATUS_PAGE_CSP, type StatusPageView } from '../../../services/status-page/page';
import { pageTexts } from '../../../services/status-page/texts';

const view = (over: Partial<StatusPageView> = {}): StatusPageView => ({
  words: pageTexts('sv-SE'),
  path: '/s/token',
  company: 'Acme',
  jobTitle: 'Backend Engineer',
  recruiterName: 'Maja Lind',
  timeZone: 'Europe/Stockholm',
  steps: [
    { title: 'Ansökan mottagen', sentence: 'Vi har den.', state: 'done' },
    { title: 'Urval', sentence: 'Vi tittar.', state: 'current' },
  ],
  next: ['Du hör från oss senast måndag 9 mars kl. 09:00.'],
  closed: undefined,
  messages: [],
  channels: [{ channel: 'email', stopped: false }],
  survey: 'none',
  notice: undefined,
  ...over,
});

describe('status page rendering', () => {
  it('speaks the candidate\'s language along the locale chain: sv-FI and sv-SE in Swedish, anything else in English', () => {
    expect(pageTexts('sv-FI').lang).toBe('sv');
    expect(pageTexts('sv').lang).toBe('sv');
    expect(pageTexts('de-DE').lang).toBe('en');
    expect(pageTexts('en-GB').lang).toBe('en');
  });

  it('escapes every value that comes from an ATS or a journey (job title, names, stage texts)', () => {
    const hostile = '<script>alert(1)</script>"\'&';
    const html = renderStatusPage(view({ jobTitle: hostile, recruiterName: hostile, company: hostile, steps: [{ title: hostile, sentence: hostile, state: 'current' }] }));
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  });

  it('allows exactly its own inline stylesheet by hash, and nothing else', () => {
    const html = renderStatusPage(view());
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(STATUS_PAGE_CSP).toContain(`style-src 'sha256-${hash}'`);
    expect(STATUS_PAGE_CSP).toContain("default-src 'none'");
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/ style=|<script|<link|<img|src=/);
  });

  it('offers only what works: stop buttons per channel not yet stopped, the survey only when asked', () => {
    const open = renderStatusPage(view({ channels: [{ channel: 'email', stopped: false }, { channel: 'sms', stopped: true }] }));
    expect(open).toContain('action="/s/token/stop/email"');
    expect(open).not.toContain('action="/s/token/stop/sms"');
    expect(open).toContain('Du får inga sms om denna ansökan.');
    expect(open).not.toContain('name="score"');
    const closed = renderStatusPage(view({ survey: 'ask', closed: 'Processen är avslutad (Avslutad).' }));
    expect(closed.match(/type="radio" name="score"/g)).toHaveLength(5);
    expect(closed).toContain('<fieldset>\n<legend>Hur upplevde du vår rekryteringsprocess?</legend>');
  });

  it('says nothing about anyone when a link does not work', () => {
    const html = renderInvalidLink(pageTexts('en'), 'expired');
    expect(html).toContain('This link has expired.');
    expect(html).not.toMatch(/Acme|Backend|Maja/);
  });
});
