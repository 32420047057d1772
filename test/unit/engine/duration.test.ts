import { durationInBusinessDays, parseDuration } from '../../../workflows/engine/duration';

describe('durations', () => {
  it('parses clock durations, combined units and business days', () => {
    expect(parseDuration('30m')).toEqual({ kind: 'fixed', ms: 1_800_000 });
    expect(parseDuration('2h')).toEqual({ kind: 'fixed', ms: 7_200_000 });
    expect(parseDuration('1h30m')).toEqual({ kind: 'fixed', ms: 5_400_000 });
    expect(parseDuration('1w')).toEqual({ kind: 'fixed', ms: 604_800_000 });
    expect(parseDuration('3bd')).toEqual({ kind: 'business', days: 3 });
  });

  it('refuses what is not a duration', () => {
    for (const text of ['', 'soon', '2 hours', '-1h', '1.5h', 'h2', '3 bd']) expect(parseDuration(text)).toBeUndefined();
  });

  it('measures calendar time strictly against business days', () => {
    expect(durationInBusinessDays({ kind: 'fixed', ms: 6 * 86_400_000 })).toBe(6);
    expect(durationInBusinessDays({ kind: 'business', days: 4 })).toBe(4);
  });
});
