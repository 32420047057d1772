import type { Logger } from '../services/logger';

/** What activities need from the outside world; only the worker wires real clients. */
export interface ActivityDeps {
  logger: Logger;
}

/**
 * Builds every activity the journey workflow can call, with its clients injected.
 * Workflows type their proxies with `ReturnType<typeof createActivities>`.
 */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

/** The activities object the workflow proxies. */
export type Activities = ReturnType<typeof createActivities>;
