import type { AtsEventType, Candidate } from '../../core/events/schemas';
import { bodyDigest, compact, e164, email, idOf, vendorEvent } from './common';
import { candidateLinks, requireApplication } from './application';
import { hexDigestEquals, header, hmacSha256Hex } from './signatures';
import { PayloadError, mapStage, type MapResult, type TenantAdapter, type VendorAdapter } from './types';

/**
 * Greenhouse Harvest webhooks: `{ action, payload: {…} }`, signed with `Signature: sha256 <hex
 * HMAC-SHA256 of the raw body>`. Every delivery carries a `Greenhouse-Event-ID` header, which is the
 * event id (one delivery that names several applications gives each its own id); a body without it
 * falls back to a digest of the body, which a retry repeats byte for byte. Application payloads carry
 * the candidate (name, e-mails, phones), and every event that does passes it on, so the journey has
 * the candidate's details whichever event comes first. "Candidate updated" and "candidate anonymized"
 * name only the candidate: they reach the applications this adapter has seen for that candidate.
 */

interface GhApplication {
  id?: unknown;
  last_activity_at?: string;
  current_stage?: { id?: unknown; name?: string } | null;
  jobs?: { id?: unknown; name?: string; departments?: { name?: string }[] }[];
  candidate?: GhCandidate;
  rejection_reason?: { name?: string; type?: { name?: string } } | null;
}
interface GhCandidate {
  id?: unknown;
  first_name?: string;
  last_name?: string;
  email_addresses?: { value?: string; type?: string }[];
  phone_numbers?: { value?: string; type?: string }[];
  applications?: GhApplication[];
  application_ids?: unknown[];
}
interface GhPayload {
  application?: GhApplication;
  candidate?: GhCandidate;
  /** candidate_anonymized */
  candidate_id?: unknown;
  anonymized_fields?: unknown;
  /** delete_candidate */
  person?: { id?: unknown; application_ids?: unknown[]; deleted_application_ids?: unknown[] };
}

/** The anonymized fields that hold what Candor keeps of a candidate (name, e-mail, phone). */
const CONTACT_FIELDS = ['full_name', 'email_addresses', 'phone_numbers'];

/** The candidate as Candor's event carries it, or undefined when there is no name to greet them by. */
function candidateOf(c: GhCandidate | undefined, adapter: TenantAdapter): Candidate | undefined {
  const id = idOf(c?.id);
  if (!id || !c?.first_name?.trim()) return undefined;
  const phones = c.phone_numbers ?? [];
  // The mobile number (texts reach it), else the first; one that is not E.164 is left out, not guessed.
  const phone = (phones.find((p) => p.type === 'mobile') ?? phones[0])?.value;
  return compact({
    id,
    firstName: c.first_name.trim(),
    lastName: c.last_name?.trim() || undefined,
    email: email(c.email_addresses?.[0]?.value),
    phone: e164(phone),
    locale: adapter.config.defaultLocale,
    timeZone: adapter.config.defaultTimeZone,
  });
}

/** The application's job, when the payload names one. */
function jobOf(app: GhApplication) {
  const job = app.jobs?.[0];
  const jobId = idOf(job?.id);
  return jobId && job?.name?.trim() ? { jobId, jobTitle: job.name.trim(), department: job.departments?.[0]?.name?.trim() || undefined } : undefined;
}

/** The application's page in Greenhouse (its candidate's profile opened on it), when the payload names the candidate. */
function pageOf(app: GhApplication, appId: string): string | undefined {
  const candidateId = idOf(app.candidate?.id);
  return candidateId ? `https://app.greenhouse.io/people/${encodeURIComponent(candidateId)}/applications/${encodeURIComponent(appId)}` : undefined;
}

/** Greenhouse's delivery id, when it is one Candor can use in an event id. */
function eventIdOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = header(headers, 'greenhouse-event-id')?.trim();
  return value && /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : undefined;
}

export const greenhouse: VendorAdapter = {
  provider: 'greenhouse',
  verify({ rawBody, headers }, secret) {
    const match = /^sha256 ([0-9a-f]+)$/i.exec(header(headers, 'signature')?.trim() ?? '');
    return hexDigestEquals(match?.[1], hmacSha256Hex(secret, rawBody));
  },
  async map(body, adapter, { rawBody, headers }, context) {
    const { action, payload } = (body ?? {}) as { action?: string; payload?: GhPayload };
    if (typeof action !== 'string') throw new PayloadError('missing "action"');
    const delivery = eventIdOf(headers) ?? bodyDigest(rawBody);
    const need = () => requireApplication(payload?.application, 'payload.application');
    /** One event about the delivery's application, carrying its candidate and job when the payload has them. */
    const single = <T extends AtsEventType>(type: T, extra: Record<string, unknown> = {}): MapResult => {
      const { app, appId } = need();
      const data = compact({ application: compact({ id: appId, ...jobOf(app), url: pageOf(app, appId) }), candidate: candidateOf(app.candidate, adapter), ...extra });
      return { events: [vendorEvent('greenhouse', adapter.tenant, type, delivery, appId, data as never, app.last_activity_at)], links: candidateLinks(app, appId) };
    };
    /** Erases the candidate from each of their journeys. */
    const erase = (candidateId: string, applications: string[]): MapResult => {
      if (applications.length === 0) return { ignored: 'no application of this candidate came through this adapter' };
      return {
        events: applications.map((id) => vendorEvent('greenhouse', adapter.tenant, 'ats.candidate.erased', `${delivery}:${id}`, id, { application: { id }, candidate: { id: candidateId } })),
        forget: [candidateId],
      };
    };
    const ids = (values: unknown[] | undefined) => (values ?? []).map(idOf).filter((id): id is string => id !== undefined);

    switch (action) {
      case 'new_candidate_application': {
        const { app } = need();
        const job = jobOf(app);
        if (!job) throw new PayloadError('payload.application.jobs[0] needs an id and a name');
        if (!candidateOf(app.candidate, adapter)) throw new PayloadError('application.candidate needs an id and a first_name');
        const stageId = idOf(app.current_stage?.id);
        const stage = stageId ? { to: mapStage(adapter.config, { id: stageId, name: app.current_stage?.name ?? stageId }) } : undefined;
        return single('ats.application.created', { stage });
      }
      case 'candidate_stage_change': {
        const { app } = need();
        const stageId = idOf(app.current_stage?.id);
        if (!stageId) throw new PayloadError('payload.application.current_stage.id is missing');
        return single('ats.application.stage_changed', { stage: { to: mapStage(adapter.config, { id: stageId, name: app.current_stage?.name ?? stageId }) } });
      }
      case 'reject_candidate': {
        const { app } = need();
        // Greenhouse files a candidate's own withdrawal as a rejection of type "They rejected us".
        const theyLeft = /they rejected us/i.test(app.rejection_reason?.type?.name ?? '');
        const reason = app.rejection_reason?.name?.trim() || undefined;
        return single(theyLeft ? 'ats.application.withdrawn' : 'ats.application.rejected', { reason });
      }
      case 'hire_candidate':
        return single('ats.application.hired');
      case 'update_candidate': {
        const candidate = payload?.candidate;
        const candidateId = idOf(candidate?.id);
        if (!candidateId) throw new PayloadError('payload.candidate.id is missing');
        const data = candidateOf(candidate, adapter);
        if (!data) throw new PayloadError('payload.candidate needs an id and a first_name');
        // Greenhouse's documented payload names no application: the candidate's journeys are the ones seen so far.
        const listed = [...(candidate?.applications ?? []).map((a) => idOf(a.id)), ...ids(candidate?.application_ids)].filter((id): id is string => id !== undefined);
        const applications = [...new Set([...listed, ...(await context.applicationsOf(candidateId))])];
        if (applications.length === 0) return { ignored: 'no application of this candidate came through this adapter yet' };
        // One candidate, several applications: each journey gets the update, each event its own id.
        return {
          events: applications.map((id) => vendorEvent('greenhouse', adapter.tenant, 'ats.candidate.updated', `${delivery}:${id}`, id, { application: { id }, candidate: data })),
          links: listed.map((applicationId) => ({ candidateId, applicationId })),
        };
      }
      case 'candidate_anonymized': {
        const candidateId = idOf(payload?.candidate_id);
        if (!candidateId) throw new PayloadError('payload.candidate_id is missing');
        const fields = Array.isArray(payload?.anonymized_fields) ? payload.anonymized_fields.filter((f): f is string => typeof f === 'string') : undefined;
        // Anonymizing only what Candor never holds (tags, notes, …) leaves the journey alone; anything else erases.
        if (fields && fields.length > 0 && !fields.some((f) => CONTACT_FIELDS.includes(f))) return { ignored: 'none of the anonymized fields is one Candor keeps' };
        return erase(candidateId, await context.applicationsOf(candidateId));
      }
      case 'delete_candidate': {
        const person = payload?.person;
        const candidateId = idOf(person?.id);
        if (!candidateId) throw new PayloadError('payload.person.id is missing');
        const applications = [...new Set([...ids(person?.application_ids), ...ids(person?.deleted_application_ids), ...(await context.applicationsOf(candidateId))])];
        return erase(candidateId, applications);
      }
      default:
        return { ignored: `action ${action} is not used by Candor` };
    }
  },
};
