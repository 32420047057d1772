import type { Candidate } from '../events/schemas';
import { bodyDigest, compact, e164, email, idOf, vendorEvent } from './common';
import { hexDigestEquals, header, hmacSha256Hex } from './signatures';
import { PayloadError, mapStage, type TenantAdapter, type VendorAdapter } from './types';

/**
 * Greenhouse Harvest webhooks: `{ action, payload: { application: {…} } }`, signed with
 * `Signature: sha256 <hex HMAC-SHA256 of the raw body>`. Greenhouse sends no delivery id, so a
 * digest of the body is the event id: a retry carries the same bytes and dedupes.
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
  email_addresses?: { value?: string }[];
  phone_numbers?: { value?: string; type?: string }[];
  applications?: GhApplication[];
}

function candidateOf(c: GhCandidate | undefined, adapter: TenantAdapter): Candidate {
  const id = idOf(c?.id);
  if (!id || !c?.first_name) throw new PayloadError('application.candidate needs an id and a first_name');
  const phones = c.phone_numbers ?? [];
  const phone = (phones.find((p) => p.type === 'mobile') ?? phones[0])?.value;
  return compact({
    id,
    firstName: c.first_name,
    lastName: c.last_name || undefined,
    email: email(c.email_addresses?.[0]?.value),
    phone: e164(phone),
    locale: adapter.config.defaultLocale,
    timeZone: adapter.config.defaultTimeZone,
  });
}

export const greenhouse: VendorAdapter = {
  provider: 'greenhouse',
  verify({ rawBody, headers }, secret) {
    const match = /^sha256 ([0-9a-f]+)$/i.exec(header(headers, 'signature')?.trim() ?? '');
    return hexDigestEquals(match?.[1], hmacSha256Hex(secret, rawBody));
  },
  map(body, adapter, rawBody) {
    const { action, payload } = (body ?? {}) as { action?: string; payload?: { application?: GhApplication; candidate?: GhCandidate } };
    if (typeof action !== 'string') throw new PayloadError('missing "action"');
    const digest = bodyDigest(rawBody);
    const app = payload?.application;
    const appId = idOf(app?.id);
    const need = () => {
      if (!app || !appId) throw new PayloadError('payload.application.id is missing');
      return { app, appId };
    };
    const event = <T extends Parameters<typeof vendorEvent>[2]>(type: T, data: Parameters<typeof vendorEvent<T>>[5]) =>
      vendorEvent('greenhouse', adapter.tenant, type, digest, need().appId, data, app?.last_activity_at);
    switch (action) {
      case 'new_candidate_application': {
        const { app, appId } = need();
        const job = app.jobs?.[0];
        const jobId = idOf(job?.id);
        if (!jobId || !job?.name) throw new PayloadError('payload.application.jobs[0] needs an id and a name');
        const stage = app.current_stage && idOf(app.current_stage.id) ? { to: mapStage(adapter.config, { id: idOf(app.current_stage.id)!, name: app.current_stage.name ?? '' }) } : undefined;
        return {
          events: [
            event('ats.application.created', compact({
              application: compact({ id: appId, jobId, jobTitle: job.name, department: job.departments?.[0]?.name }),
              candidate: candidateOf(app.candidate, adapter),
              stage,
            })),
          ],
        };
      }
      case 'candidate_stage_change': {
        const { app, appId } = need();
        const stageId = idOf(app.current_stage?.id);
        if (!stageId) throw new PayloadError('payload.application.current_stage.id is missing');
        return { events: [event('ats.application.stage_changed', { application: { id: appId }, stage: { to: mapStage(adapter.config, { id: stageId, name: app.current_stage?.name ?? stageId }) } })] };
      }
      case 'reject_candidate': {
        const { app, appId } = need();
        // Greenhouse files a candidate's own withdrawal as a rejection of type "They rejected us".
        const theyLeft = /they rejected us/i.test(app.rejection_reason?.type?.name ?? '');
        const reason = app.rejection_reason?.name;
        return { events: [theyLeft ? event('ats.application.withdrawn', compact({ application: { id: appId }, reason })) : event('ats.application.rejected', compact({ application: { id: appId }, reason }))] };
      }
      case 'hire_candidate':
        return { events: [event('ats.application.hired', { application: { id: need().appId } })] };
      case 'update_candidate': {
        const candidate = payload?.candidate;
        const applications = (candidate?.applications ?? []).map((a) => idOf(a.id)).filter((id): id is string => id !== undefined);
        if (applications.length === 0) return { ignored: 'update_candidate without applications' };
        const data = candidateOf(candidate, adapter);
        // One candidate, several applications: each journey gets the update, each event its own id.
        return { events: applications.map((id) => vendorEvent('greenhouse', adapter.tenant, 'ats.candidate.updated', `${digest}:${id}`, id, { application: { id }, candidate: data })) };
      }
      default:
        return { ignored: `action ${action} is not used by Candor` };
    }
  },
};
