/**
 * How old a signed webhook timestamp may be. Lever signs `token + triggeredAt` and SendGrid signs
 * `timestamp + body`: a captured delivery verifies forever unless its signed time is checked. A
 * delivery signed more than 5 minutes ago, or more than 1 minute in the future (clock skew), is refused.
 */
export const SIGNED_MAX_AGE_MS = 5 * 60_000;
/** How far ahead of our clock a signed time may be. */
export const SIGNED_MAX_SKEW_MS = 60_000;

/** Whether a signed time (epoch milliseconds) is inside the window around `now`. */
export function signedTimeCheck(signedAtMs: number, now: number): 'fresh' | 'stale' | 'future' {
  if (!Number.isFinite(signedAtMs) || now - signedAtMs > SIGNED_MAX_AGE_MS) return 'stale';
  if (signedAtMs - now > SIGNED_MAX_SKEW_MS) return 'future';
  return 'fresh';
}
