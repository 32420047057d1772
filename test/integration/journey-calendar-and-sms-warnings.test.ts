import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { JourneyDefinition } from '../../workflows/engine';
import { useFixture } from '../helpers/fixture';

const DEFAULT_SV = readFileSync(join(__dirname, '..', '..', 'journeys', 'default-sv.yaml'), 'utf8');

/** The shipped Swedish journey under another id, with `patch` applied to its parsed form. */
function journey(id: string, patch: (d: JourneyDefinition) => void = () => undefined): JourneyDefinition {
  const definition = parse(DEFAULT_SV) as JourneyDefinition;
  definition.id = id;
  patch(definition);
  return definition;
}

describe('recruiter API: holiday calendars and SMS forms in journey validation', () => {
  const t = useFixture({ api: true });

  it('validates the shipped journey with no warnings, and warns (without failing) about a three-segment SMS form', async () => {
    const clean = await t.api.call('acme', 'POST', '/api/v1/journeys/validate', journey('sv-copy'));
    expect(clean.json()).toMatchObject({ ok: true, warnings: [], definition: { holidays: { calendar: 'SE' } } });

    const long = journey('sv-long', (d) => {
      d.stages.applied.onEnter[0]!.text!.sv!.sms = `Hej {{ candidate.firstName }}! ${'Den här meningen gör sms:et alldeles för långt. '.repeat(7)}`;
    });
    const warned = await t.api.call('acme', 'POST', '/api/v1/journeys/validate', long);
    expect(warned.statusCode).toBe(200);
    expect(warned.json()).toMatchObject({
      ok: true,
      warnings: [{ path: 'stages.applied.onEnter[0].text.sv.sms', message: expect.stringMatching(/^the SMS form is 3 segments/) }],
    });
    // A warning does not stop saving or publishing.
    expect((await t.api.call('acme', 'PUT', '/api/v1/journeys/sv-long/draft', long)).statusCode).toBe(201);
    expect((await t.api.call('acme', 'POST', '/api/v1/journeys/sv-long/publish')).statusCode).toBe(201);
  });

  it('rejects a holiday calendar the library does not know, and keeps accepting the old list of dates', async () => {
    const unknown = await t.api.call('acme', 'POST', '/api/v1/journeys/validate', journey('sv-x', (d) => (d.holidays = { calendar: 'GB-XYZ', extra: [] })));
    expect(unknown.json()).toMatchObject({ ok: false, errors: [{ path: 'holidays.calendar', message: expect.stringContaining('GB has regions') }] });
    const saved = await t.api.call('acme', 'PUT', '/api/v1/journeys/sv-x/draft', journey('sv-x', (d) => (d.holidays = { calendar: 'XX', extra: [] })));
    expect(saved.statusCode).toBe(422);
    expect(saved.json().error.details).toEqual([{ path: 'holidays.calendar', message: expect.stringContaining('no country "XX"') }]);

    const listed = await t.api.call('acme', 'POST', '/api/v1/journeys/validate', journey('sv-list', (d) => (d.holidays = ['2028-12-25', '2028-12-26'])));
    expect(listed.json()).toMatchObject({ ok: true, definition: { holidays: ['2028-12-25', '2028-12-26'] } });
  });

  it('simulates a journey on its named calendar: a follow-up due over Christmas 2028 waits for the next business day', async () => {
    // Friday 22 December 2028, 10:00 in Stockholm; the applied follow-up comes 4 business days after the acknowledgement.
    const simulated = await t.api.call('acme', 'POST', '/api/v1/journeys/default-sv/simulate', {
      start: '2028-12-22T09:00:00Z',
      until: '20d',
      candidate: { timeZone: 'Europe/Stockholm', locale: 'sv-SE' },
      events: [{ at: '2028-12-22T09:00:00Z', type: 'ats.application.created' }],
    });
    expect(simulated.statusCode).toBe(200);
    const messages = simulated.json().messages as { template: string; at: string }[];
    const followUp = messages.find((m) => m.template === 'applied.still-reviewing');
    // 25, 26 December and 1 January are holidays (31 December is a Sunday): 27, 28, 29 December, 2 January.
    expect(followUp?.at.slice(0, 10)).toBe('2029-01-02');
  });
});
