import { loadDefaultJourneys } from '../../../core/journeys/default-journeys';
import { renderEmail, renderSms, SAMPLE_CONTACT, SAMPLE_STATUS_URL, smsFormWarnings, type RenderData } from '../../../core/messaging/templates';
import { messagesWithPaths, simulate } from '../../../workflows/engine';
import { validateDefinition, type JourneyDefinition } from '../../../workflows/engine/definition';
import { minimalRaw } from '../engine/fixtures';

// Most default SMS link the status page: the sample link is as long as a real one on a typical host.
const data = (locale: string, timeZone: string): RenderData => ({ locale, timeZone, companyName: 'Acme', contact: SAMPLE_CONTACT, statusUrl: SAMPLE_STATUS_URL });

/** A longer candidate than the sample: names and a title near the upper end of what ATSs hold. */
const longData = (locale: string, timeZone: string): RenderData => ({
  ...data(locale, timeZone),
  companyName: 'Northwind Logistics',
  contact: {
    ...SAMPLE_CONTACT,
    firstName: 'Maximiliane',
    jobTitle: 'Senior Backend Engineer, Payments',
    recruiter: { name: 'Johanna Lindqvist', email: 'j@example.com' },
    interview: { ...SAMPLE_CONTACT.interview!, location: 'Sveavägen 44, Stockholm' },
  },
});

function definition(patch: (raw: Record<string, unknown>) => void): JourneyDefinition {
  const raw = minimalRaw();
  patch(raw);
  const result = validateDefinition(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

describe('SMS forms', () => {
  it('renders every message of both default journeys as an SMS of at most two GSM-7 segments, without emoji', async () => {
    let checked = 0;
    for (const { definition: journey } of loadDefaultJourneys().values()) {
      const locale = journey.defaultLocale;
      for (const { path, message } of messagesWithPaths(journey)) {
        expect([path, message.text?.[locale]?.sms !== undefined]).toEqual([path, true]);
        for (const render of [data, longData]) {
          const sms = await renderSms(message.template, message.text, render(locale, journey.defaultTimeZone));
          expect([message.template, sms.length.encoding]).toEqual([message.template, 'GSM-7']);
          expect([message.template, sms.length.segments <= 2]).toEqual([message.template, true]);
          expect(sms.text).not.toMatch(/\p{Extended_Pictographic}/u);
          checked++;
        }
      }
      expect(await smsFormWarnings(journey)).toEqual([]);
    }
    expect(checked).toBe(2 * 2 * 20);
  });

  it('shows an SMS-only candidate the SMS forms in a simulation, without subjects', () => {
    const journey = loadDefaultJourneys().get('en')!.definition;
    const start = Date.parse('2026-03-03T10:00:00Z');
    const result = simulate({
      definition: journey,
      candidate: { timeZone: 'Europe/London', channels: { email: false, sms: true } },
      events: [{ at: start, ats: { type: 'ats.application.created' as const } }],
      until: start + 12 * 86_400_000,
      variables: { 'candidate.firstName': 'Ada', 'job.title': 'Backend Engineer', 'company.name': 'Acme', 'recruiter.name': 'Grace Hopper' },
    });
    expect(result.messages.length).toBeGreaterThan(1);
    for (const message of result.messages) {
      expect(message).toMatchObject({ channel: 'sms', subject: undefined });
      expect(message.body!.length).toBeLessThanOrEqual(306);
    }
    expect(result.messages[0]!.body).toBe(
      "Hi Ada, thanks for applying for Backend Engineer at Acme. I'll review it within a few working days; you'll hear from me whatever the outcome. Questions? Reply. Status: {{ statusUrl }} - Grace Hopper",
    );
  });

  it('sends the SMS form on SMS and the body by e-mail', async () => {
    const text = { en: { subject: 'Hello', body: 'Hi {{ candidate.firstName }}, a long e-mail body.', sms: 'Hi {{ candidate.firstName }} \u2013 short \u201cSMS\u201d.' } };
    const sms = await renderSms('t', text, data('en', 'Europe/London'));
    // Typographic dashes and quotes become their GSM-7 look-alikes instead of turning the SMS into UCS-2.
    expect(sms).toMatchObject({ text: 'Hi Astrid - short "SMS".', length: { encoding: 'GSM-7', segments: 1 } });
    const email = await renderEmail('t', text, data('en', 'Europe/London'), 'https://candor.example/u');
    expect(email.text).toContain('a long e-mail body.');
    // A message without an SMS form still goes by SMS, as its e-mail body.
    expect((await renderSms('t', { en: { body: 'Only a body' } }, data('en', 'Europe/London'))).text).toBe('Only a body');
  });

  it('warns, without failing validation, about a three-segment SMS form and a message without one', async () => {
    const long = `Hi {{ candidate.firstName }}, ${'this sentence makes the SMS far too long for two segments. '.repeat(6)}`;
    const journey = definition((raw) => {
      raw.statusUpdate = { template: 'status.update', text: { en: { subject: 'Update', body: 'Hi {{ candidate.firstName }}, still with us.', sms: long } } };
      (raw.stages as { applied: unknown }).applied = { onEnter: [{ template: 'applied.ack', text: { en: { subject: 'Thanks', body: 'Hi {{ candidate.firstName }}, thanks for applying.' } } }] };
    });
    const warnings = await smsFormWarnings(journey);
    expect(warnings).toEqual(
      expect.arrayContaining([{ path: 'statusUpdate.text.en.sms', message: expect.stringMatching(/^the SMS form is 3 segments \(GSM-7, \d+ characters\)/) }]),
    );
    // A message with text but no SMS form is named: an SMS-only candidate would get its e-mail body.
    expect(warnings.filter((w) => w.message.startsWith('no SMS form'))).toEqual([
      { path: 'stages.applied.onEnter[0].text.en.sms', message: expect.stringContaining('gets the e-mail body, 1 segment (GSM-7') },
    ]);
    expect(warnings).toHaveLength(2);
    // An emoji makes the whole SMS UCS-2: a 140-character form becomes three segments.
    const emoji = definition((raw) => {
      raw.statusUpdate = { template: 'status.update', text: { en: { body: 'x', sms: `${'a'.repeat(138)} \u{1F642}` } } };
    });
    expect((await smsFormWarnings(emoji)).find((w) => w.path === 'statusUpdate.text.en.sms')?.message).toMatch(/^the SMS form is 3 segments \(UCS-2/);
  });
});
