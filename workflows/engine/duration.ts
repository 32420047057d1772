/**
 * Durations as recruiters write them in journey definitions: "30m", "2h", "1d", "1w", "1h30m", or
 * business days "3bd". Business days cannot be converted to milliseconds without a calendar (weekends,
 * holidays, the candidate's time zone), so they stay a separate kind.
 */

/** A parsed duration: a fixed length of time, or a number of business days in the candidate's calendar. */
export type Duration = { kind: 'fixed'; ms: number } | { kind: 'business'; days: number };

const UNIT_MS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
const FIXED = /^(?:\d+[wdhms])+$/;
const PART = /(\d+)([wdhms])/g;
const BUSINESS = /^(\d+)bd$/;

/** Parses a duration string; undefined when it is not one. */
export function parseDuration(text: string): Duration | undefined {
  const trimmed = text.trim();
  const business = BUSINESS.exec(trimmed);
  if (business) return { kind: 'business', days: Number(business[1]) };
  if (!FIXED.test(trimmed)) return undefined;
  let ms = 0;
  for (const match of trimmed.matchAll(PART)) ms += Number(match[1]) * (UNIT_MS[match[2]!] ?? 0);
  return { kind: 'fixed', ms };
}

/** Milliseconds of a fixed duration string; throws for business days or malformed text (validated definitions never have either where this is used). */
export function durationMs(text: string): number {
  const parsed = parseDuration(text);
  if (parsed?.kind !== 'fixed') throw new Error(`"${text}" is not a fixed duration`);
  return parsed.ms;
}

/**
 * The duration measured in business days for comparison with `maxSilence`. Calendar time counts every
 * day as a business day, which is the strict reading: "6d" never fits a 5-business-day promise.
 */
export function durationInBusinessDays(duration: Duration): number {
  return duration.kind === 'business' ? duration.days : duration.ms / UNIT_MS.d!;
}
