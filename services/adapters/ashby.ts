import { bodyDigest, compact, e164, email, idOf, splitName, vendorEvent } from './common';
import { hexDigestEquals, header, hmacSha256Hex } from './signatures';
import { PayloadError, mapStage, type TenantAdapter, type VendorAdapter } from './types';

/**
 * Ashby webhooks: `{ action, data: {…} }`, signed with `Ashby-Signature: sha256=<hex HMAC-SHA256 of
 * the raw body>`. The delivery's `webhookActionId` is the event id when present, else a digest of
 * the body (a retry carries the same bytes).
 */

interface AshbyApplication {
  id?: unknown;
  status?: string;
  updatedAt?: string;
  candidate?: { id?: unknown; name?: string; primaryEmailAddress?: { value?: string } | null; primaryPhoneNumber?: { value?: string } | null };
  currentInterviewStage?: { id?: unknown; title?: string } | null;
  job?: { id?: unknown; title?: string } | null;
  archiveReason?: { text?: string; reasonType?: string } | null;
}
interface AshbySchedule {
  id?: unknown;
  applicationId?: unknown;
  status?: string;
  interviewEvents?: { id?: unknown; startTime?: string; endTime?: string; location?: string; meetingLink?: string }[];
}

function stageOf(app: AshbyApplication, adapter: TenantAdapter) {
  const id = idOf(app.currentInterviewStage?.id);
  return id ? { to: mapStage(adapter.config, { id, name: app.currentInterviewStage?.title ?? id }) } : undefined;
}

export const ashby: VendorAdapter = {
  provider: 'ashby',
  verify({ rawBody, headers }, secret) {
    const match = /^sha256=([0-9a-f]+)$/i.exec(header(headers, 'ashby-signature')?.trim() ?? '');
    return hexDigestEquals(match?.[1], hmacSha256Hex(secret, rawBody));
  },
  map(raw, adapter, rawBody) {
    const body = raw as { action?: unknown; webhookActionId?: unknown; data?: { application?: AshbyApplication; interviewSchedule?: AshbySchedule; offer?: { applicationId?: unknown } } };
    if (typeof body.action !== 'string') throw new PayloadError('missing "action"');
    const id = idOf(body.webhookActionId) ?? bodyDigest(rawBody);
    const app = body.data?.application;
    const appId = idOf(app?.id);
    const forApp = () => {
      if (!app || !appId) throw new PayloadError('data.application.id is missing');
      return { app, appId };
    };
    switch (body.action) {
      case 'applicationSubmit': {
        const { app, appId } = forApp();
        const jobId = idOf(app.job?.id);
        const candidateId = idOf(app.candidate?.id);
        if (!jobId || !app.job?.title || !candidateId || !app.candidate?.name) throw new PayloadError('data.application needs job.id, job.title, candidate.id and candidate.name');
        const candidate = compact({
          id: candidateId,
          ...splitName(app.candidate.name),
          email: email(app.candidate.primaryEmailAddress?.value),
          phone: e164(app.candidate.primaryPhoneNumber?.value),
          locale: adapter.config.defaultLocale,
          timeZone: adapter.config.defaultTimeZone,
        });
        const data = compact({ application: { id: appId, jobId, jobTitle: app.job.title }, candidate, stage: stageOf(app, adapter) });
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.application.created', id, appId, data, app.updatedAt)] };
      }
      case 'candidateStageChange': {
        const { app, appId } = forApp();
        const stage = stageOf(app, adapter);
        if (!stage) throw new PayloadError('data.application.currentInterviewStage is missing');
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.application.stage_changed', id, appId, { application: { id: appId }, stage }, app.updatedAt)] };
      }
      case 'candidateHire':
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.application.hired', id, forApp().appId, { application: { id: forApp().appId } }, app?.updatedAt)] };
      case 'applicationUpdate': {
        const { app, appId } = forApp();
        if (app.status !== 'Archived') return { ignored: `application status ${app.status ?? 'unknown'}` };
        const reason = app.archiveReason?.text;
        const type = app.archiveReason?.reasonType === 'RejectedByCandidate' ? 'ats.application.withdrawn' : 'ats.application.rejected';
        return { events: [vendorEvent('ashby', adapter.tenant, type, id, appId, compact({ application: { id: appId }, reason }), app.updatedAt)] };
      }
      case 'interviewScheduleCreate':
      case 'interviewScheduleUpdate': {
        const schedule = body.data?.interviewSchedule;
        const scheduleAppId = idOf(schedule?.applicationId);
        const first = schedule?.interviewEvents?.[0];
        if (!scheduleAppId || !first?.startTime) throw new PayloadError('data.interviewSchedule needs applicationId and interviewEvents[0].startTime');
        const interview = compact({ id: idOf(schedule?.id) ?? idOf(first.id)!, start: first.startTime, end: first.endTime, location: first.location || undefined, link: first.meetingLink || undefined });
        const type = schedule?.status === 'Cancelled' ? 'ats.interview.canceled' : body.action === 'interviewScheduleCreate' ? 'ats.interview.scheduled' : 'ats.interview.rescheduled';
        return { events: [vendorEvent('ashby', adapter.tenant, type, id, scheduleAppId, { application: { id: scheduleAppId }, interview })] };
      }
      case 'offerCreate': {
        const offerAppId = idOf(body.data?.offer?.applicationId);
        if (!offerAppId) throw new PayloadError('data.offer.applicationId is missing');
        return { events: [vendorEvent('ashby', adapter.tenant, 'ats.offer.extended', id, offerAppId, { application: { id: offerAppId } })] };
      }
      default:
        return { ignored: `action ${body.action} is not used by Candor` };
    }
  },
};
