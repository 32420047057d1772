import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAtsEvent } from '../../../core/events/envelope';
import { exampleData, exampleEvent } from '../../../core/events/examples';
import { jsonSchemaFiles } from '../../../core/events/json-schema';
import { toJourneyCloudEvent } from '../../../core/events/journey-events';
import { ATS_EVENT_TYPES, type AtsEventType } from '../../../core/events/schemas';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const event = (type: AtsEventType, data?: unknown) => exampleEvent(type, { tenant: 'acme', applicationId: 'app-1', id: 'evt-1', time: '2026-03-02T09:00:00Z', data: data as never });

describe('ATS event schemas', () => {
  it.each(ATS_EVENT_TYPES)('accepts the documented example of %s and hands over its typed data', (type) => {
    const parsed = parseAtsEvent(bytes(event(type)), 'acme:app-1');
    expect(parsed).toEqual({ ok: true, event: expect.objectContaining({ type, subject: 'app-1', data: exampleData('app-1')[type] }) });
  });

  it.each([
    ['not JSON', '{"specversion": "1.0", ', 'not-json', ''],
    ['no id', { ...event('ats.application.created'), id: undefined }, 'invalid-envelope', 'id:'],
    ['a source that is not the tenant', { ...event('ats.application.created'), source: 'ats/greenhouse/other' }, 'invalid-envelope', 'source: source must end with the tenant'],
    ['a time without offset', { ...event('ats.application.created'), time: '2026-03-02T09:00:00' }, 'invalid-envelope', 'time:'],
    ['an unknown type', { ...event('ats.application.created'), type: 'ats.application.teleported' }, 'unknown-type', 'type:'],
    ['a phone number that is not E.164', event('ats.application.created', { ...exampleData('app-1')['ats.application.created'], candidate: { id: 'c1', firstName: 'Ada', phone: '070-123 45 67' } }), 'invalid-data', 'data.candidate.phone: must be an E.164 phone number'],
    ['an unknown time zone', event('ats.application.created', { ...exampleData('app-1')['ats.application.created'], candidate: { id: 'c1', firstName: 'Ada', timeZone: 'Mars/Olympus' } }), 'invalid-data', 'data.candidate.timeZone: must be an IANA time zone'],
    ['a locale that is not BCP 47', event('ats.application.created', { ...exampleData('app-1')['ats.application.created'], candidate: { id: 'c1', firstName: 'Ada', locale: 'english please' } }), 'invalid-data', 'data.candidate.locale: must be a BCP 47'],
    ['a stage change without the new stage', event('ats.application.stage_changed', { application: { id: 'app-1' } }), 'invalid-data', 'data.stage:'],
    ['a stage category outside the list', event('ats.application.stage_changed', { application: { id: 'app-1' }, stage: { to: { id: 's', name: 'Lunch', category: 'lunch' } } }), 'invalid-data', 'data.stage.to.category:'],
    ['an interview that ends before it starts', event('ats.interview.scheduled', { application: { id: 'app-1' }, interview: { id: 'i', start: '2026-03-02T10:00:00+01:00', end: '2026-03-02T08:00:00+01:00' } }), 'invalid-data', 'data.interview.end: end must be after start'],
    ['an application id other than the subject', event('ats.application.hired', { application: { id: 'app-2' } }), 'invalid-data', 'data.application.id: must equal subject'],
  ])('rejects %s, naming the reason', (_name, value, reason, detail) => {
    const parsed = parseAtsEvent(bytes(value), 'acme:app-1');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.reason).toBe(reason);
    expect(parsed.problem.detail).toContain(detail);
  });

  it('never echoes the rejected value (it may be personal data) in the reason detail', () => {
    const parsed = parseAtsEvent(bytes(event('ats.application.created', { ...exampleData('app-1')['ats.application.created'], candidate: { id: 'c1', firstName: 'Ada', phone: '070-123 45 67', email: 'not-an-email' } })));
    expect(parsed.ok || parsed.problem.detail).not.toMatch(/070-123|not-an-email/);
  });

  it('rejects a message keyed other than {tenant}:{subject}, which would break per-application order', () => {
    const parsed = parseAtsEvent(bytes(event('ats.application.hired')), 'acme:app-2');
    expect(parsed).toMatchObject({ ok: false, problem: { reason: 'invalid-key' } });
    expect(parseAtsEvent(bytes(event('ats.application.hired')), null).ok).toBe(true);
  });

  it('lets an erasure carry nothing but the ids', () => {
    expect(parseAtsEvent(bytes(event('ats.candidate.erased', { candidate: { id: 'cand-7' } }))).ok).toBe(true);
  });

  it('publishes JSON Schema files that match the zod schemas (run `npm run events -- schemas` after a change)', () => {
    const dir = join(__dirname, '..', '..', '..', 'schemas');
    const files = jsonSchemaFiles();
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) expect(`${name}\n${readFileSync(join(dir, name), 'utf8')}`).toBe(`${name}\n${text}`);
  });
});

describe('journey events (outbound)', () => {
  it('wraps an event as a CloudEvent keyed to its application', () => {
    const event = toJourneyCloudEvent({ id: 'msg-1/dispatched', type: 'candor.journey.message.dispatched', tenant: 'acme', applicationId: 'app-1', time: '2026-03-02T09:00:00Z', data: { messageId: 'msg-1', channel: 'sms', template: 'ack' } });
    expect(event).toEqual({
      specversion: '1.0', id: 'msg-1/dispatched', source: 'candor/acme', type: 'candor.journey.message.dispatched', time: '2026-03-02T09:00:00Z',
      subject: 'app-1', tenant: 'acme', datacontenttype: 'application/json', data: { messageId: 'msg-1', channel: 'sms', template: 'ack' },
    });
  });

  it('refuses an unknown type', () => {
    expect(() => toJourneyCloudEvent({ id: 'x', type: 'candor.journey.nope' as never, tenant: 'acme', applicationId: 'app-1', data: {} })).toThrow(/type/);
  });
});
