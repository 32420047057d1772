import type { JourneyEvent } from '../../workflows/shared';

let counter = 0;

/** Candidate details for test events: a consenting candidate with both channels. */
export const candidate = (overrides: Record<string, unknown> = {}) => ({
  id: 'cand-1',
  firstName: 'Astrid',
  email: 'astrid@example.com',
  phone: '+46701234567',
  locale: 'sv-SE',
  timeZone: 'Europe/Stockholm',
  consent: { email: true, sms: true },
  ...overrides,
});

/**
 * Event data for tests about Temporal rather than messages: no address, so the journey's messages are
 * suppressed, and in office hours, so nothing waits for morning.
 */
export const daytimeCandidate = () => ({ candidate: { id: 'c1', firstName: 'Sam', timeZone: daytimeZone() } });

/** An ATS event as ingest hands it to a journey. */
export function atsEvent(type: string, time: Date | number, data: Record<string, unknown> = {}, id = `evt-${++counter}`): JourneyEvent {
  return {
    id,
    type,
    time: new Date(time).toISOString(),
    data: { application: { id: 'app-1', jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate(), recruiter: { name: 'Maja Lind', email: 'maja@acme.test' }, ...data },
  };
}

/** Milliseconds from `now` until the next `hour:minute` on a weekday (Tue–Thu) in `timeZone`. */
export function untilLocal(now: number, timeZone: string, hour: number, minute = 0): number {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour12: false, weekday: 'short', hour: '2-digit', minute: '2-digit' });
  // Step minute by minute from now; at most 8 days, cheap enough for a test helper.
  for (let t = Math.ceil(now / 60_000) * 60_000; t < now + 8 * 86_400_000; t += 60_000) {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    if (['Tue', 'Wed', 'Thu'].includes(parts.weekday!) && Number(parts.hour) === hour && Number(parts.minute) === minute) return t - now;
  }
  throw new Error('no such local time within 8 days');
}

/** A zone of the list (which covers every hour of the day) where the local hour is now in [from, to). */
function zoneAtHours(from: number, to: number, now: number, what: string): string {
  const zones = ['Europe/Stockholm', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Auckland', 'Asia/Dubai'];
  for (const timeZone of zones) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hour12: false }).formatToParts(new Date(now)).map((p) => [p.type, p.value]),
    );
    if (Number(parts.hour) >= from && Number(parts.hour) < to) return timeZone;
  }
  throw new Error(`no zone in the list is in ${what} now`);
}

/** A time zone where it is now between 10:00 and 17:00, so a test's messages are not held for quiet hours. */
export const daytimeZone = (now = Date.now()): string => zoneAtHours(10, 17, now, 'office hours');

/** A time zone where it is now between 01:00 and 05:00, deep in every journey's quiet hours. */
export const nighttimeZone = (now = Date.now()): string => zoneAtHours(1, 5, now, 'the small hours');
