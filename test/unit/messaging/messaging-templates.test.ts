import { loadDefaultJourneys } from '../../../core/journeys/default-journeys';
import { checkTemplate, localeChain, previewTemplate, renderEmail, renderSms, TemplateError } from '../../../activities/messaging';
import { messagesWithPaths } from '../../../workflows/engine';

const text = {
  en: { subject: 'Your application for {{ job.title }}', body: 'Hi {{ candidate.firstName }},\n\nThanks for applying for {{ job.title }}.\nRegards, {{ recruiter.name }}' },
  sv: { subject: 'Din ansökan till {{ job.title }}', body: 'Hej {{ candidate.firstName }},\n\ntack för din ansökan till {{ job.title }}.\nHälsningar, {{ recruiter.name }}' },
};
const data = (locale: string) => ({
  locale,
  timeZone: 'Europe/Helsinki',
  companyName: 'Acme',
  contact: { firstName: 'Astrid <b>', jobTitle: 'Backend Engineer', recruiter: { name: 'Maja Lind' } },
});

describe('messaging templates', () => {
  it('walks the locale chain sv-FI → sv → en', async () => {
    expect(localeChain('sv-FI')).toEqual(['sv-FI', 'sv', 'en']);
    expect((await renderSms('t', text, data('sv-FI'))).locale).toBe('sv');
    expect((await renderSms('t', text, data('fi-FI'))).locale).toBe('en');
    expect((await renderSms('t', { sv: text.sv }, data('de'))).locale).toBe('sv');
  });

  it('renders e-mail with a text part, an escaped HTML part and one-click List-Unsubscribe headers', async () => {
    const email = await renderEmail('t', text, data('sv-SE'), 'https://candor.example/unsubscribe/tok');
    expect(email.subject).toBe('Din ansökan till Backend Engineer');
    expect(email.text).toContain('Hej Astrid <b>,');
    expect(email.text).toContain('https://candor.example/unsubscribe/tok');
    expect(email.html).toContain('Hej Astrid &lt;b&gt;,');
    expect(email.html).toContain('<a href="https://candor.example/unsubscribe/tok">Avsluta dessa mejl</a>');
    expect(email.headers).toEqual({ 'List-Unsubscribe': '<https://candor.example/unsubscribe/tok>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('makes a missing value an error, never a blank in the message', async () => {
    const noName = { ...data('en'), contact: { jobTitle: 'Backend Engineer' } };
    await expect(renderSms('applied.ack', text, noName)).rejects.toMatchObject({ kind: 'TemplateDataMissing' });
    await expect(renderSms('x', { en: { body: 'Hi {{ candidate.nickname }}' } }, data('en'))).rejects.toBeInstanceOf(TemplateError);
    await expect(renderSms('x', undefined, data('en'))).rejects.toMatchObject({ kind: 'TemplateMissing' });
  });

  it('rejects unknown placeholders at publish time and passes every shipped default journey', () => {
    expect(checkTemplate({ body: 'Hi {{ candidate.nickname }} {{ job.title }}' })).toEqual([expect.stringContaining('candidate.nickname')]);
    expect(checkTemplate({ body: 'Hi {% if %}' })).toHaveLength(1);
    for (const { definition } of loadDefaultJourneys().values()) {
      for (const { message } of messagesWithPaths(definition)) {
        for (const words of Object.values(message.text ?? {})) expect(checkTemplate(words)).toEqual([]);
      }
    }
  });

  it('previews any template with sample data', async () => {
    const preview = await previewTemplate('sms', text, 'sv');
    expect(preview).toMatchObject({ locale: 'sv', text: expect.stringContaining('Hej Astrid') });
  });
});
