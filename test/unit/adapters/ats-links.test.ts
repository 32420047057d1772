import { ashby, ashbyCandidateUrl } from '../../../services/adapters/ashby';
import { greenhouse } from '../../../services/adapters/greenhouse';
import { lever, leverOpportunityUrl } from '../../../services/adapters/lever';
import { AdapterConfig, type MapResult, type TenantAdapter, type VendorAdapter } from '../../../services/adapters/types';

/**
 * The board's link out to the application in the ATS (README "Names on the board"): each adapter puts the URL it
 * can derive from the vendor's documented webhook payload in the event's `application.url`.
 */
const adapter = (provider: TenantAdapter['provider']): TenantAdapter => ({ tenant: 'acme', provider, secret: 's', config: AdapterConfig.parse({ defaultTimeZone: 'Europe/Stockholm' }) });
const noLookups = { applicationsOf: async () => [] as string[] };
const map = async (vendor: VendorAdapter, body: object, headers: Record<string, string> = {}) => {
  const result: MapResult = await vendor.map(body, adapter(vendor.provider), { rawBody: Buffer.from(JSON.stringify(body)), headers }, noLookups);
  if ('ignored' in result) throw new Error(`ignored: ${result.ignored}`);
  return result.events.map((e) => ({ type: e.type, application: (e.data as { application: { id: string; url?: string } }).application }));
};

// Lever's documented webhook body: { triggeredAt, event, signature, token, data: { opportunityId, candidateId, contactId, … } }.
const leverBody = (event: string, data: Record<string, unknown>) => ({ triggeredAt: 1_700_000_000_000, event, signature: 'x', token: 't0k3n', data });
const OPP = '250d8f03-738a-4bba-a671-8a3d73477145';

describe('ATS links: Lever', () => {
  it('links each mapped event to the opportunity\u2019s page in Lever (the urls.show of Lever\u2019s API)', async () => {
    expect(leverOpportunityUrl(OPP)).toBe(`https://hire.lever.co/candidates/${OPP}`);
    const stage = await map(lever, leverBody('candidateStageChange', { opportunityId: OPP, candidateId: OPP, contactId: 'c7a1', fromStageId: 'lead-new', toStageId: 'applicant-new' }));
    expect(stage).toEqual([{ type: 'ats.application.stage_changed', application: { id: OPP, url: `https://hire.lever.co/candidates/${OPP}` } }]);
    const archived = await map(lever, leverBody('candidateArchiveChange', { opportunityId: OPP, candidateId: OPP, contactId: 'c7a1', fromArchived: null, toArchived: { archivedAt: 1_700_000_000_000, reason: '63dd55b2-a99f-4e7b-985f-22c7bf80ab42' } }));
    expect(archived).toEqual([{ type: 'ats.application.rejected', application: { id: OPP, url: `https://hire.lever.co/candidates/${OPP}` } }]);
    const hired = await map(lever, leverBody('candidateHired', { opportunityId: OPP, candidateId: OPP, contactId: 'c7a1' }));
    expect(hired[0]!.application.url).toBe(`https://hire.lever.co/candidates/${OPP}`);
  });

  it('escapes an id that is not URL-safe, and an erasure carries no link', async () => {
    expect(leverOpportunityUrl('a/b?c')).toBe('https://hire.lever.co/candidates/a%2Fb%3Fc');
    const erased = await map(lever, leverBody('candidateDeleted', { opportunityId: OPP, candidateId: OPP, contactId: 'c7a1' }));
    expect(erased).toEqual([{ type: 'ats.candidate.erased', application: { id: OPP } }]);
  });
});

// Ashby's documented webhook body: { action, webhookActionId, data: { application: { id, candidate: { id, name, … }, job, … } } }.
const ashbyApp = (candidate: Record<string, unknown>) => ({
  id: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e',
  createdAt: '2026-03-02T09:00:00.000Z',
  updatedAt: '2026-03-02T09:00:00.000Z',
  status: 'Active',
  candidate: { id: '5b591aa4-4a1a-4e1c-b5f3-6a8c0b1f7a2d', name: 'Ada King Lovelace', primaryEmailAddress: { value: 'ada@example.com', type: 'Personal', isPrimary: true }, ...candidate },
  currentInterviewStage: { id: 'c2f0', title: 'Phone Screen', type: 'PreInterviewScreen', orderInInterviewPlan: 1 },
  job: { id: 'job-uuid-1', title: 'Backend Engineer' },
  archiveReason: null,
});
const CANDIDATE_PAGE = 'https://app.ashbyhq.com/candidates/5b591aa4-4a1a-4e1c-b5f3-6a8c0b1f7a2d';

describe('ATS links: Ashby', () => {
  it('derives the candidate\u2019s page in Ashby from the candidate id when the payload has no profileUrl', async () => {
    const submitted = await map(ashby, { action: 'applicationSubmit', webhookActionId: 'w1', data: { application: ashbyApp({}) } });
    expect(submitted).toEqual([{ type: 'ats.application.created', application: { id: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e', jobId: 'job-uuid-1', jobTitle: 'Backend Engineer', url: CANDIDATE_PAGE } }]);
    const moved = await map(ashby, { action: 'candidateStageChange', webhookActionId: 'w2', data: { application: ashbyApp({}) } });
    expect(moved[0]!.application.url).toBe(CANDIDATE_PAGE);
  });

  it('uses the candidate\u2019s profileUrl when it is one of Ashby\u2019s, never another host', async () => {
    const own = `${CANDIDATE_PAGE}?tab=applications`;
    expect((await map(ashby, { action: 'applicationSubmit', webhookActionId: 'w3', data: { application: ashbyApp({ profileUrl: own }) } }))[0]!.application.url).toBe(own);
    expect((await map(ashby, { action: 'applicationSubmit', webhookActionId: 'w4', data: { application: ashbyApp({ profileUrl: 'https://evil.example/ashbyhq.com' }) } }))[0]!.application.url).toBe(CANDIDATE_PAGE);
    expect(ashbyCandidateUrl('c1', 'http://app.ashbyhq.com/candidates/c1')).toBe('https://app.ashbyhq.com/candidates/c1');
    expect(ashbyCandidateUrl('c1', 'https://app.ashbyhq.com.evil.example/x')).toBe('https://app.ashbyhq.com/candidates/c1');
    expect(ashbyCandidateUrl(undefined, 'not a url')).toBeUndefined();
  });

  it('links outcomes (archived, hired) and interview schedules too', async () => {
    const archived = ashbyApp({});
    Object.assign(archived, { status: 'Archived', archiveReason: { id: 'ar', text: 'Accepted another offer', reasonType: 'RejectedByCandidate' } });
    expect(await map(ashby, { action: 'applicationUpdate', webhookActionId: 'w5', data: { application: archived } })).toEqual([
      { type: 'ats.application.withdrawn', application: { id: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e', url: CANDIDATE_PAGE } },
    ]);
    const schedule = { id: 'sched-1', applicationId: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e', candidateId: '5b591aa4-4a1a-4e1c-b5f3-6a8c0b1f7a2d', status: 'Scheduled', interviewEvents: [{ id: 'iev', startTime: '2026-03-05T13:00:00.000Z', endTime: '2026-03-05T14:00:00.000Z' }] };
    expect((await map(ashby, { action: 'interviewScheduleCreate', webhookActionId: 'w6', data: { interviewSchedule: schedule } }))[0]!.application.url).toBe(CANDIDATE_PAGE);
  });
});

describe('ATS links: Greenhouse (the model the others follow)', () => {
  it('links the application on its candidate\u2019s profile', async () => {
    const body = { action: 'candidate_stage_change', payload: { application: { id: 69306314, candidate: { id: 57683957, first_name: 'Johnny' }, current_stage: { id: 71416, name: 'Assessment' }, jobs: [{ id: 3485, name: 'Designer' }] } } };
    expect((await map(greenhouse, body))[0]!.application.url).toBe('https://app.greenhouse.io/people/57683957/applications/69306314');
  });
});
