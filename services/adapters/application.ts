import { idOf } from './common';
import { PayloadError, type CandidateLink } from './types';

/** The application a delivery is about and its Candor id; a PayloadError naming `path` when either is missing. */
export function requireApplication<A extends { id?: unknown }>(app: A | undefined, path: string): { app: A; appId: string } {
  const appId = idOf(app?.id);
  if (!app || !appId) throw new PayloadError(`${path}.id is missing`);
  return { app, appId };
}

/** The candidate an application names, as a link to that application (none when it names no candidate). */
export function candidateLinks(app: { candidate?: { id?: unknown } }, applicationId: string): CandidateLink[] {
  const candidateId = idOf(app.candidate?.id);
  return candidateId ? [{ candidateId, applicationId }] : [];
}
