import { Context } from '@temporalio/activity';

/** The Temporal server's clock inside an activity (also the time-skipping test server's), else this process's. */
export function serverNow(): number {
  try {
    return Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    return Date.now();
  }
}
