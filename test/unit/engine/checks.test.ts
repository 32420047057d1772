import fc from 'fast-check';
import { checkAtsEvent, checkRecruiterAction } from '../../../workflows/engine/checks';
import { AtsEvent, RecruiterAction } from '../../../workflows/engine/inputs';
import { ATS_EVENT_TYPES, STAGE_CATEGORIES } from '../../../workflows/engine/vocabulary';

// The workflow checks events and recruiter actions without zod (its bundle stays small); the boundaries parse
// with the zod schemas. Both must give the same verdict on anything, valid or not.

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const oddValue = fc.oneof(fc.constant(null), fc.constant(''), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.integer(), fc.string(), fc.boolean(), fc.constant({}), fc.constant([]));
/** Mostly the right type, sometimes anything. */
const loosely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: oddValue });
/** An object of these optional fields, sometimes with a stray one. */
const record = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(fc.record(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, maybe(v)]))), fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('extra', 'stage ', 'Type') }))
    .map(([value, extra]) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
      if (extra) out[extra] = 1;
      return out;
    });

const event = record({
  id: loosely(fc.string({ maxLength: 3 })),
  type: loosely(fc.constantFrom(...ATS_EVENT_TYPES, 'ats.unknown')),
  time: loosely(fc.double()),
  stage: loosely(fc.constantFrom(...STAGE_CATEGORIES, 'lunch')),
  positionClosed: loosely(fc.boolean()),
  interview: loosely(record({ id: loosely(fc.string({ maxLength: 2 })), start: loosely(fc.double()), end: loosely(fc.double()) })),
  candidate: loosely(
    record({
      timeZone: loosely(fc.string({ maxLength: 2 })),
      locale: loosely(fc.string({ maxLength: 3 })),
      consent: loosely(record({ email: loosely(fc.boolean()), sms: loosely(fc.boolean()) })),
    }),
  ),
});

const action = record({
  action: loosely(fc.constantFrom('pause', 'resume', 'sendNow', 'restart')),
  template: loosely(fc.constantFrom('applied.ack', 'Applied.Ack', 'ack', 'stage.interview.1', '')),
});

describe('the workflow\u2019s plain checks agree with the zod schemas', () => {
  it('on ATS events as the workflow maps them', () => {
    fc.assert(
      fc.property(event, (value) => {
        expect(checkAtsEvent(value).ok).toBe(AtsEvent.safeParse(value).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('on recruiter actions', () => {
    fc.assert(
      fc.property(action, (value) => {
        expect(checkRecruiterAction(value).ok).toBe(RecruiterAction.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('say where and what is wrong', () => {
    const result = checkAtsEvent({ id: 'e1', type: 'ats.application.created', time: Number.NaN, interview: { id: '', start: 1 }, extra: true });
    expect(result.ok ? [] : result.issues).toEqual([
      { path: 'time', message: 'expected a finite number' },
      { path: 'interview.id', message: 'expected at least 1 character' },
      { path: '', message: 'unrecognized key: "extra"' },
    ]);
    const invalid = checkRecruiterAction({ action: 'sendNow', template: 'Ack' });
    expect(invalid.ok ? [] : invalid.issues).toEqual([{ path: 'template', message: 'expected a template key like "applied.ack"' }]);
  });
});
