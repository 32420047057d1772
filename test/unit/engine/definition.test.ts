import { validateDefinition, type DefinitionError } from '../../../workflows/engine';
import { loadJourney, minimalRaw, rawJourney } from './fixtures';

function errorsOf(input: unknown): DefinitionError[] {
  const result = validateDefinition(input);
  if (result.ok) throw new Error('expected the definition to be rejected');
  return result.errors;
}

function withStage(name: string, stage: unknown): Record<string, unknown> {
  const raw = minimalRaw();
  return { ...raw, stages: { ...(raw.stages as object), [name]: stage } };
}

describe('journey definitions', () => {
  it('accepts both shipped default journeys, with text in their own language for every message', () => {
    for (const [name, locale] of [['default-en', 'en'], ['default-sv', 'sv']] as const) {
      const definition = loadJourney(name);
      expect(definition.defaultLocale).toBe(locale);
      expect(definition.stages.rejected.onEnter[0]?.text?.[locale]?.body).toContain('{{ candidate.firstName }}');
      expect(definition.interview.reminders.map((r) => r.before)).toEqual(['24h', '2h']);
    }
  });

  it('fills in the promise defaults', () => {
    const result = validateDefinition(minimalRaw());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition).toMatchObject({
      ackWithin: '5m',
      maxSilence: 5,
      quietHours: { start: '21:00', end: '08:00' },
      businessDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      channels: ['email', 'sms'],
      defaultLocale: 'en',
    });
  });

  it('names the path and the problem for structural errors', () => {
    const raw = minimalRaw();
    const errors = errorsOf({
      ...raw,
      quietHours: { start: '25:00', end: '08:00' },
      holidays: ['2025-02-30'],
      stages: { ...(raw.stages as object), applied: { onEnter: [{ template: 'applied.ack', delay: 'soon' }] } },
      colour: 'blue',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'quietHours.start', message: expect.stringContaining('24-hour local time') },
        { path: 'holidays[0]', message: 'not a real calendar date' },
        { path: 'stages.applied.onEnter[0].delay', message: expect.stringContaining('expected a duration') },
        { path: '(root)', message: expect.stringContaining('colour') },
      ]),
    );
  });

  it('rejects a missing status update and a bad time zone by path', () => {
    const { statusUpdate: _omit, ...raw } = minimalRaw();
    const errors = errorsOf({ ...raw, defaultTimeZone: 'Europe/Atlantis' });
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['statusUpdate', 'defaultTimeZone']));
  });

  it('rejects a follow-up cadence longer than maxSilence, with the reason', () => {
    const errors = errorsOf(withStage('screening', { onEnter: [], followUp: { template: 'screening.follow-up', every: '7bd' } }));
    expect(errors).toEqual([{ path: 'stages.screening.followUp.every', message: expect.stringMatching(/longer than maxSilence \(5 business days\)/) }]);
    // Calendar days count strictly: 6 days never fits 5 business days.
    expect(errorsOf(withStage('screening', { onEnter: [], followUp: { template: 'screening.follow-up', every: '6d' } }))[0]?.path).toBe('stages.screening.followUp.every');
  });

  it('rejects an ackWithin over a day and an acknowledgement later than ackWithin', () => {
    expect(errorsOf({ ...minimalRaw(), ackWithin: '2d' })).toEqual([{ path: 'ackWithin', message: expect.stringContaining('over 1 day') }]);
    const errors = errorsOf(withStage('applied', { onEnter: [{ template: 'applied.ack', delay: '10m' }] }));
    expect(errors).toEqual([{ path: 'stages.applied.onEnter[0].delay', message: expect.stringContaining('within ackWithin') }]);
    expect(errorsOf(withStage('applied', { onEnter: [] }))[0]?.path).toBe('stages.applied.onEnter');
  });

  it('rejects quiet hours that cover the whole day or leave almost nothing', () => {
    expect(errorsOf({ ...minimalRaw(), quietHours: { start: '08:00', end: '08:00' } })).toEqual([
      { path: 'quietHours', message: expect.stringContaining('whole day') },
    ]);
    expect(errorsOf({ ...minimalRaw(), quietHours: { start: '08:30', end: '08:00' } })[0]).toEqual({ path: 'quietHours', message: expect.stringContaining('30 minutes') });
  });

  it('rejects a terminal stage without a closing message', () => {
    const errors = errorsOf(withStage('withdrawn', { onEnter: [] }));
    expect(errors).toEqual([{ path: 'stages.withdrawn.onEnter', message: expect.stringContaining('closing message') }]);
  });

  it('rejects inconsistencies a recruiter would not notice', () => {
    const raw = minimalRaw();
    const errors = errorsOf({
      ...raw,
      channels: ['email'],
      businessMorning: '07:00',
      stages: { ...(raw.stages as object), hired: { onEnter: [{ template: 'applied.ack', text: { sv: { body: 'Hej' } } }] } },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'businessMorning', message: expect.stringContaining('inside quiet hours') },
        { path: 'interview.reminders[1].channel', message: expect.stringContaining('"sms" is not one of') },
        { path: 'stages.hired.onEnter[0].template', message: expect.stringContaining('already used at stages.applied.onEnter[0]') },
        { path: 'stages.hired.onEnter[0].text', message: expect.stringContaining('default locale "en"') },
      ]),
    );
  });

  it('rejects an interview without reminders and a post-interview update slower than maxSilence', () => {
    const raw = minimalRaw();
    const interview = { ...(raw.interview as object), reminders: [], after: { template: 'interview.thanks', within: '8bd' } };
    const paths = errorsOf({ ...raw, interview }).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['interview.reminders', 'interview.after.within']));
  });

  it('reports every error at once rather than the first', () => {
    const raw = rawJourney('default-en') as Record<string, unknown>;
    const errors = errorsOf({ ...raw, ackWithin: '3d', maxSilence: 0 });
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['maxSilence']));
    const promiseErrors = errorsOf({ ...raw, ackWithin: '3d', quietHours: { start: '09:00', end: '09:00' } });
    expect(promiseErrors.map((e) => e.path)).toEqual(expect.arrayContaining(['ackWithin', 'quietHours']));
  });

  it('accepts holidays as a list of dates or as a named calendar with extra dates, and names the path of a bad one', () => {
    const listed = validateDefinition({ ...minimalRaw(), holidays: ['2028-12-25'] });
    expect(listed.ok && listed.definition.holidays).toEqual(['2028-12-25']);
    const named = validateDefinition({ ...minimalRaw(), holidays: { calendar: 'GB-ENG', extra: ['2028-06-02'] } });
    expect(named.ok && named.definition.holidays).toEqual({ calendar: 'GB-ENG', extra: ['2028-06-02'] });
    const defaults = validateDefinition({ ...minimalRaw(), holidays: { calendar: 'SE' } });
    expect(defaults.ok && defaults.definition.holidays).toEqual({ calendar: 'SE', extra: [] });
    expect(errorsOf({ ...minimalRaw(), holidays: { calendar: 'sweden' } })).toEqual([{ path: 'holidays.calendar', message: expect.stringContaining('"GB-ENG"') }]);
    expect(errorsOf({ ...minimalRaw(), holidays: { calendar: 'SE', extra: ['2028-02-30'] } })).toEqual([{ path: 'holidays.extra[0]', message: 'not a real calendar date' }]);
    expect(errorsOf({ ...minimalRaw(), holidays: { calendar: 'SE', dates: [] } })).toEqual([{ path: 'holidays', message: expect.stringContaining('dates') }]);
    expect(errorsOf({ ...minimalRaw(), holidays: 'SE' })).toEqual([{ path: 'holidays', message: expect.stringContaining('{ calendar: "SE"') }]);
  });

  it('accepts an SMS form next to the e-mail subject and body of a message text', () => {
    const raw = minimalRaw();
    const result = validateDefinition({ ...raw, statusUpdate: { template: 'status.update', text: { en: { subject: 'Update', body: 'Long e-mail body', sms: 'Short SMS' } } } });
    expect(result.ok && result.definition.statusUpdate.text?.en).toEqual({ subject: 'Update', body: 'Long e-mail body', sms: 'Short SMS' });
    expect(errorsOf({ ...raw, statusUpdate: { template: 'status.update', text: { en: { body: 'x', sms: '' } } } })).toEqual([{ path: 'statusUpdate.text.en.sms', message: expect.any(String) }]);
  });
});
