import type { AtsEventType, Candidate } from '../../core/events/schemas';
import { bodyDigest, compact, e164, email, idOf, splitName, vendorEvent } from './common';
import { candidateLinks, requireApplication } from './application';
import { hexDigestEquals, header, hmacSha256Hex } from './signatures';
import { PayloadError, mapStage, type MapResult, type TenantAdapter, type VendorAdapter } from './types';

/**
 * Ashby webhooks: `{ webhookActionId, action, data: {…} }`, signed with `Ashby-Signature: sha256=<hex
 * HMAC-SHA256 of the raw body>`. One action in Ashby fires several webhooks with the same
 * `webhookActionId` (a stage change into Archived fires candidateStageChange and applicationUpdate; a
 * hire fires candidateHire, candidateStageChange and applicationUpdate), and a retry repeats it. So the
 * event id is the action id plus what the event says: the webhook, the application and the state it
 * reports. An outcome (archived as withdrawn or rejected, hired) gets one id whichever webhook reports
 * it, so the journey applies it once and never mistakes a withdrawal for a rejection.
 *
 * The board's link out to the application: Ashby's candidate carries `profileUrl` (the candidate's page in
 * Ashby, where their applications are); when a payload leaves it out, the same page is derived from the
 * candidate's id (`https://app.ashbyhq.com/candidates/<id>`), as Greenhouse's is from its ids. A
 * `profileUrl` that is not https on an ashbyhq.com host is not used.
 */

/** The candidate's page in Ashby: the payload's `profileUrl` when it is one of Ashby's, else derived from the candidate id. */
export function ashbyCandidateUrl(candidateId: string | undefined, profileUrl?: unknown): string | undefined {
  if (typeof profileUrl === 'string') {
    try {
      const url = new URL(profileUrl);
      if (url.protocol === 'https:' && (url.hostname === 'ashbyhq.com' || url.hostname.endsWith('.ashbyhq.com'))) return url.href;
    } catch {
      // not a URL: derive it below
    }
  }
  return candidateId ? `https://app.ashbyhq.com/candidates/${encodeURIComponent(candidateId)}` : undefined;
}

interface AshbyCandidate {
  id?: unknown;
  name?: string;
  primaryEmailAddress?: { value?: string } | null;
  primaryPhoneNumber?: { value?: string } | null;
  profileUrl?: unknown;
}
interface AshbyApplication {
  id?: unknown;
  status?: string;
  updatedAt?: string;
  candidate?: AshbyCandidate;
  currentInterviewStage?: { id?: unknown; title?: string; type?: string } | null;
  job?: { id?: unknown; title?: string } | null;
  archiveReason?: { id?: unknown; text?: string; reasonType?: string } | null;
}
interface AshbySchedule {
  id?: unknown;
  applicationId?: unknown;
  status?: string;
  candidateId?: unknown;
  interviewEvents?: { id?: unknown; startTime?: string; endTime?: string; location?: string; meetingLink?: string }[];
}

/** The application's link out, from its candidate. */
const urlOf = (app: AshbyApplication) => ashbyCandidateUrl(idOf(app.candidate?.id), app.candidate?.profileUrl);

function stageOf(app: AshbyApplication, adapter: TenantAdapter) {
  const id = idOf(app.currentInterviewStage?.id);
  return id ? { to: mapStage(adapter.config, { id, name: app.currentInterviewStage?.title ?? id }) } : undefined;
}

/** The candidate an application carries, or undefined when it has no name to greet them by. */
function candidateOf(c: AshbyCandidate | undefined, adapter: TenantAdapter): Candidate | undefined {
  const id = idOf(c?.id);
  if (!id || !c?.name?.trim()) return undefined;
  return compact({
    id,
    ...splitName(c.name),
    email: email(c.primaryEmailAddress?.value),
    phone: e164(c.primaryPhoneNumber?.value),
    locale: adapter.config.defaultLocale,
    timeZone: adapter.config.defaultTimeZone,
  });
}

/** The outcome an archived or hired application reports, if it reports one. */
function outcomeOf(app: AshbyApplication): Extract<AtsEventType, 'ats.application.withdrawn' | 'ats.application.rejected' | 'ats.application.hired'> | undefined {
  const type = app.currentInterviewStage?.type;
  if (app.status === 'Hired' || type === 'Hired') return 'ats.application.hired';
  if (app.status === 'Archived' || type === 'Archived') return app.archiveReason?.reasonType === 'RejectedByCandidate' ? 'ats.application.withdrawn' : 'ats.application.rejected';
  return undefined;
}

export const ashby: VendorAdapter = {
  provider: 'ashby',
  verify({ rawBody, headers }, secret) {
    const match = /^sha256=([0-9a-f]+)$/i.exec(header(headers, 'ashby-signature')?.trim() ?? '');
    return hexDigestEquals(match?.[1], hmacSha256Hex(secret, rawBody));
  },
  async map(raw, adapter, { rawBody }, context) {
    const body = raw as {
      action?: unknown;
      webhookActionId?: unknown;
      data?: { application?: AshbyApplication; interviewSchedule?: AshbySchedule; offer?: { id?: unknown; applicationId?: unknown }; candidate?: { id?: unknown } };
    };
    if (typeof body.action !== 'string') throw new PayloadError('missing "action"');
    const action = body.action;
    const actionId = idOf(body.webhookActionId) ?? bodyDigest(rawBody);
    /** The event id: the action, then what this event says (never the action id alone). */
    const idFor = (...parts: (string | undefined)[]) => [actionId, ...parts.map((p) => p ?? '-')].join(':');
    const forApp = () => requireApplication(body.data?.application, 'data.application');
    /** An archived or hired application as one outcome event, whichever of the action's webhooks reports it. */
    const outcome = (a: AshbyApplication, id: string, type: NonNullable<ReturnType<typeof outcomeOf>>): MapResult => {
      const candidate = candidateOf(a.candidate, adapter);
      const reason = type === 'ats.application.hired' ? undefined : a.archiveReason?.text?.trim() || undefined;
      const data = compact({ application: compact({ id, url: urlOf(a) }), candidate, reason });
      return { events: [vendorEvent('ashby', adapter.tenant, type, idFor('outcome', id, type), id, data, a.updatedAt)], links: candidateLinks(a, id) };
    };
    switch (action) {
      case 'applicationSubmit': {
        const { app, appId } = forApp();
        const jobId = idOf(app.job?.id);
        const candidate = candidateOf(app.candidate, adapter);
        if (!jobId || !app.job?.title || !candidate) throw new PayloadError('data.application needs job.id, job.title, candidate.id and candidate.name');
        const data = compact({ application: compact({ id: appId, jobId, jobTitle: app.job.title, url: urlOf(app) }), candidate, stage: stageOf(app, adapter) });
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.application.created', idFor(action, appId), appId, data, app.updatedAt)], links: candidateLinks(app, appId) };
      }
      case 'candidateStageChange': {
        const { app, appId } = forApp();
        const ended = outcomeOf(app);
        if (ended) return outcome(app, appId, ended);
        const stage = stageOf(app, adapter);
        if (!stage) throw new PayloadError('data.application.currentInterviewStage is missing');
        const jobId = idOf(app.job?.id);
        const application = compact({ id: appId, jobId, jobTitle: jobId ? app.job?.title || undefined : undefined, url: urlOf(app) });
        const data = compact({ application, candidate: candidateOf(app.candidate, adapter), stage });
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.application.stage_changed', idFor(action, appId, stage.to.id), appId, data, app.updatedAt)], links: candidateLinks(app, appId) };
      }
      case 'candidateHire': {
        const { app, appId } = forApp();
        return outcome(app, appId, 'ats.application.hired');
      }
      case 'applicationUpdate': {
        const { app, appId } = forApp();
        const ended = outcomeOf(app);
        if (!ended) return { ignored: `application status ${app.status ?? 'unknown'}` };
        return outcome(app, appId, ended);
      }
      case 'interviewScheduleCreate':
      case 'interviewScheduleUpdate': {
        const schedule = body.data?.interviewSchedule;
        const scheduleAppId = idOf(schedule?.applicationId);
        const first = schedule?.interviewEvents?.[0];
        if (!scheduleAppId || !first?.startTime) throw new PayloadError('data.interviewSchedule needs applicationId and interviewEvents[0].startTime');
        const interview = compact({ id: idOf(schedule?.id) ?? idOf(first.id)!, start: first.startTime, end: first.endTime, location: first.location || undefined, link: first.meetingLink || undefined });
        const type = schedule?.status === 'Cancelled' ? 'ats.interview.canceled' : action === 'interviewScheduleCreate' ? 'ats.interview.scheduled' : 'ats.interview.rescheduled';
        const id = idFor(action, scheduleAppId, interview.id, schedule?.status, first.startTime);
        const candidateId = idOf(schedule?.candidateId);
        const application = compact({ id: scheduleAppId, url: ashbyCandidateUrl(candidateId) });
        return { events: [vendorEvent('ashby', adapter.tenant, type, id, scheduleAppId, { application, interview })], links: candidateId ? [{ candidateId, applicationId: scheduleAppId }] : [] };
      }
      case 'offerCreate': {
        const offerAppId = idOf(body.data?.offer?.applicationId);
        if (!offerAppId) throw new PayloadError('data.offer.applicationId is missing');
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.offer.extended', idFor(action, offerAppId, idOf(body.data?.offer?.id)), offerAppId, { application: { id: offerAppId } })] };
      }
      case 'candidateDelete': {
        // Deleted in Ashby: each of the candidate's journeys Candor knows of is erased.
        const candidateId = idOf(body.data?.candidate?.id);
        if (!candidateId) throw new PayloadError('data.candidate.id is missing');
        const applications = await context.applicationsOf(candidateId);
        if (applications.length === 0) return { ignored: 'no application of this candidate came through this adapter' };
        return {
          events: applications.map((id) => vendorEvent('ashby', adapter.tenant, 'ats.candidate.erased', idFor(action, id), id, { application: { id }, candidate: { id: candidateId } })),
          forget: [candidateId],
        };
      }
      default:
        return { ignored: `action ${action} is not used by Candor` };
    }
  },
};
