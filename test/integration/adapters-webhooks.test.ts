import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Consumer } from 'kafkajs';
import { saveTenantAdapter } from '../../services/adapters';
import { hmacSha256Hex } from '../../services/adapters/signatures';
import { registerAtsWebhooks } from '../../services/api/ats-webhooks';
import { buildApi } from '../../services/api/server';
import { createLogger } from '../../core/logger';
import { migrate, openPgliteDatabase, type Database } from '../../core/store';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { unique } from '../helpers/env';
import { testKafka } from '../helpers/ingest-harness';

const SECRET = 'whsec-0123456789abcdef';
const OTHER_SECRET = 'whsec-fedcba9876543210';

type Produced = { key: string; value: Record<string, unknown> & { id: string; type: string; subject: string; data: Record<string, unknown> } };

// Shaped like the vendors' documented examples (Greenhouse Harvest "New Candidate Application",
// Lever "candidateStageChange", Ashby "applicationSubmit" and "interviewScheduleCreate").
const greenhouseApplication = (appId: number) => ({
  action: 'new_candidate_application',
  payload: {
    application: {
      id: appId,
      rejected_at: null,
      prospect: false,
      status: 'active',
      applied_at: '2026-03-02T09:00:00Z',
      last_activity_at: '2026-03-02T09:00:00Z',
      url: `https://app.greenhouse.io/people/2108732?application_id=${appId}`,
      source: { id: 2, name: 'Jobs page on your website' },
      current_stage: { id: 767358, name: 'Application Review', interviews: [] },
      jobs: [{ id: 371417, name: 'Data Scientist', requisition_id: 'abc', status: 'open', departments: [{ id: 5, name: 'Data Science' }], offices: [] }],
      candidate: {
        id: 2108732,
        first_name: 'Johnny',
        last_name: 'Smith',
        title: 'Previous Title',
        phone_numbers: [{ value: '310-555-2848', type: 'mobile' }, { value: '+1 310 555 2849', type: 'home' }],
        email_addresses: [{ value: 'personal@example.com', type: 'personal' }],
        addresses: [],
        attachments: [],
      },
      answers: [],
    },
  },
});

/** A Greenhouse candidate as the Harvest webhook payloads carry it (trimmed of what Candor never reads). */
const ghCandidate = (id: number, who: { first: string; last: string; email: string; phone: string }) => ({
  id,
  first_name: who.first,
  last_name: who.last,
  title: 'Great Person',
  company: null,
  created_at: '2013-10-04T01:24:44Z',
  external_id: '241b399ce4b0fd1c84e5528d',
  photo_url: null,
  url: `https://app.greenhouse.io/people/${id}`,
  is_private: false,
  can_email: true,
  phone_numbers: [{ value: who.phone, type: 'mobile' }],
  email_addresses: [{ value: who.email, type: 'personal' }],
  addresses: [{ value: '123 Fake St.', type: 'home' }],
  website_addresses: [],
  social_media_addresses: [],
  recruiter: { id: 3128, email: 'alicia.flopple.3128@example.com', name: 'Alicia Flopple', employee_id: '789GHI' },
  coordinator: null,
  attachments: [],
  tags: ['Import from Previous ATS'],
  custom_fields: {},
});

/** Greenhouse's documented "Candidate Stage Change" payload: the application with its candidate and job. */
const ghStageChange = (appId: number, candidate: ReturnType<typeof ghCandidate>, stage = { id: 71416, name: 'Assessment' }) => ({
  action: 'candidate_stage_change',
  payload: {
    application: {
      id: appId,
      rejected_at: null,
      prospect: false,
      status: 'active',
      applied_at: '2013-03-22T00:00:00Z',
      last_activity_at: '2015-02-09T16:38:36Z',
      url: `https://app.greenhouse.io/people/${candidate.id}?application_id=${appId}`,
      source: { id: 31, name: 'Agency' },
      credited_to: { id: 15, email: 'ada@example.com', name: 'Ada Lacey', employee_id: '123ABC' },
      rejection_reason: null,
      rejection_details: null,
      current_stage: { ...stage, interviews: [{ id: 113101, name: 'Assessment', status: 'to_be_scheduled', interviewers: [] }] },
      custom_fields: {},
      candidate,
      jobs: [{ id: 3485, name: 'Designer', requisition_id: null, status: 'open', departments: [{ id: 237, name: 'Community', external_id: 'ex-dept-1' }], offices: [] }],
    },
  },
});

/** Greenhouse's documented "New Candidate Application" payload for a candidate. */
const ghNewApplication = (appId: number, candidate: ReturnType<typeof ghCandidate>) => {
  const stage = ghStageChange(appId, candidate, { id: 767358, name: 'Application Review' });
  return { action: 'new_candidate_application', payload: { application: { ...stage.payload.application, last_activity_at: '2015-02-09T16:30:00Z', current_stage: { id: 767358, name: 'Application Review', interviews: [] } } } };
};

/** Greenhouse's documented "Candidate/Prospect updated": the candidate alone, no application. */
const ghUpdateCandidate = (candidate: ReturnType<typeof ghCandidate>) => ({ action: 'update_candidate', payload: { candidate } });

/** An Ashby application as its webhooks carry it. */
const ashbyApplication = (appId: string, candidateId: string, extra: Record<string, unknown> = {}) => ({
  id: appId,
  createdAt: '2026-03-02T09:00:00.000Z',
  updatedAt: '2026-03-02T09:00:00.000Z',
  status: 'Active',
  customFields: [],
  candidate: { id: candidateId, name: 'Ada King Lovelace', primaryEmailAddress: { value: 'ada@example.com', type: 'Personal', isPrimary: true }, primaryPhoneNumber: { value: '+46 70 123 45 67', type: 'Mobile', isPrimary: true } },
  currentInterviewStage: { id: 'c2f0', title: 'Phone Screen', type: 'PreInterviewScreen', orderInInterviewPlan: 1, interviewStageGroupId: 'g1', interviewPlanId: 'p1' },
  job: { id: 'job-uuid-1', title: 'Backend Engineer', locationId: 'loc', departmentId: 'dep' },
  archiveReason: null,
  ...extra,
});

/** A Lever webhook delivery signed the way Lever documents it: HMAC-SHA256 of token + triggeredAt. */
const leverDelivery = (secret: string, event: string, data: Record<string, unknown>, options: { token?: string; triggeredAt?: number } = {}) => {
  const token = options.token ?? randomBytes(16).toString('hex');
  const triggeredAt = options.triggeredAt ?? Date.now();
  return { triggeredAt, event, signature: hmacSha256Hex(secret, `${token}${triggeredAt}`), token, data };
};

/** Every ordering of a list (n! of them). */
const permutations = <T>(items: T[]): T[][] => (items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest])));

describe('ATS webhooks: verified, mapped per tenant, produced to ats.events before 2xx', () => {
  const tenant = unique('hooks').toLowerCase();
  const other = unique('hooks-b').toLowerCase();
  const kafka = testKafka('candor-webhooks-test');
  let db: Database;
  let app: FastifyInstance;
  let consumer: Consumer;
  const received: Produced[] = [];
  const byKey = new Map<string, Produced[]>();
  const waiting = new Set<() => void>();

  /** The events produced for this test's first tenant, once `count` of them arrived. */
  const produced = async (count: number) => {
    while (received.length < count) await new Promise<void>((r) => waiting.add(r));
    return received.slice(0, count);
  };
  /** The first `count` events produced with one message key (one application of one tenant), in order. */
  const eventsFor = async (key: string, count: number) => {
    while ((byKey.get(key)?.length ?? 0) < count) await new Promise<void>((r) => waiting.add(r));
    return byKey.get(key)!.slice(0, count);
  };
  /** How far the webhook route's clock runs ahead of the real one (to age remembered Lever tokens). */
  let clockAhead = 0;
  let base = '';
  // A real HTTP round trip (light-my-request's inject cannot load under jest's CommonJS runtime).
  const post = async (provider: string, body: string, headers: Record<string, string>, to = tenant) => {
    const response = await fetch(`${base}/webhooks/ats/${provider}/${to}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await response.text();
    return { statusCode: response.status, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const greenhouseHeaders = (body: string, secret = SECRET, eventId: string | undefined = randomBytes(16).toString('hex')) => ({ signature: `sha256 ${hmacSha256Hex(secret, body)}`, ...(eventId ? { 'greenhouse-event-id': eventId } : {}) });
  const postGreenhouse = (payload: object, to = tenant, eventId?: string) => {
    const body = JSON.stringify(payload);
    return post('greenhouse', body, greenhouseHeaders(body, to === tenant ? SECRET : OTHER_SECRET, eventId), to);
  };
  const postAshby = (payload: object, to = tenant) => {
    const body = JSON.stringify(payload);
    return post('ashby', body, { 'ashby-signature': `sha256=${hmacSha256Hex(to === tenant ? SECRET : OTHER_SECRET, body)}` }, to);
  };
  const postLever = (delivery: object, to = tenant) => post('lever', JSON.stringify(delivery), {}, to);

  beforeAll(async () => {
    db = await openPgliteDatabase(undefined);
    await migrate(db);
    await db.query('insert into tenants (id, name) values ($1, $2), ($3, $4)', [tenant, 'Hooks Inc', other, 'Other Hooks AB']);
    await saveTenantAdapter(db, { tenant, provider: 'greenhouse', secret: SECRET, config: { stages: { '767358': 'applied' }, defaultTimeZone: 'America/Los_Angeles' } });
    await saveTenantAdapter(db, { tenant, provider: 'lever', secret: SECRET, config: { stages: { 'stage-onsite': 'interview' }, archiveReasons: { 'reason-withdrew': 'withdrawn' } } });
    await saveTenantAdapter(db, { tenant, provider: 'ashby', secret: SECRET });
    for (const provider of ['greenhouse', 'lever', 'ashby'] as const) await saveTenantAdapter(db, { tenant: other, provider, secret: OTHER_SECRET, config: { defaultTimeZone: 'Europe/Stockholm' } });
    app = buildApi({ logger: createLogger({ logLevel: 'silent', secrets: [] }), probes: [] });
    registerAtsWebhooks(app, { db, kafka, now: () => Date.now() + clockAhead });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    consumer = kafka.consumer({ groupId: unique('hooks-watch') });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC_ATS_EVENTS, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (!key.startsWith(`${tenant}:`) && !key.startsWith(`${other}:`)) return;
        const event = { key, value: JSON.parse(message.value!.toString()) as Produced['value'] };
        if (key.startsWith(`${tenant}:`)) received.push(event);
        byKey.set(key, [...(byKey.get(key) ?? []), event]);
        for (const wake of [...waiting]) {
          waiting.delete(wake);
          wake();
        }
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
    await db?.close();
  });

  it('Greenhouse: a signed new application becomes ats.application.created with the tenant’s stage mapping; a duplicate delivery keeps its id; a bad signature is 401', async () => {
    const body = JSON.stringify(greenhouseApplication(69103370));
    const signature = `sha256 ${hmacSha256Hex(SECRET, body)}`;
    expect((await post('greenhouse', body, { signature: `sha256 ${hmacSha256Hex('wrong-secret-123456', body)}` })).statusCode).toBe(401);
    const first = await post('greenhouse', body, { signature });
    expect(first.statusCode).toBe(202);
    const retry = await post('greenhouse', body, { signature });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toEqual(first.json());

    const [a, b] = await produced(2);
    expect(a!.key).toBe(`${tenant}:69103370`);
    expect(a!.value).toMatchObject({
      specversion: '1.0',
      source: `ats/greenhouse/${tenant}`,
      type: 'ats.application.created',
      subject: '69103370',
      tenant,
      data: {
        application: { id: '69103370', jobId: '371417', jobTitle: 'Data Scientist', department: 'Data Science' },
        // The mobile number is not E.164 and is left out rather than guessed; the zone is the tenant's default.
        candidate: { id: '2108732', firstName: 'Johnny', lastName: 'Smith', email: 'personal@example.com', timeZone: 'America/Los_Angeles' },
        stage: { to: { id: '767358', name: 'Application Review', category: 'applied' } },
      },
    });
    expect((a!.value.data as { candidate: Record<string, unknown> }).candidate.phone).toBeUndefined();
    expect(b!.value.id).toBe(a!.value.id);
  });

  it('Lever: verifies token + triggeredAt, maps the stage change by the tenant’s mapping', async () => {
    const token = 'f1a2b3c4d5e6';
    const payload = leverDelivery(SECRET, 'candidateStageChange', { fromStageId: 'stage-screen', toStageId: 'stage-onsite', candidateId: 'cand-9', opportunityId: '5d8b3a1c-opp', contactId: 'contact-9' }, { token });
    const { triggeredAt } = payload;
    expect((await post('lever', JSON.stringify({ ...payload, signature: hmacSha256Hex(SECRET, `x${triggeredAt}`) }), {})).statusCode).toBe(401);
    const response = await post('lever', JSON.stringify(payload), {});
    expect(response.statusCode).toBe(202);
    const [event] = await eventsFor(`${tenant}:5d8b3a1c-opp`, 1);
    expect(event!.value).toMatchObject({
      id: expect.stringMatching(/^lever:[0-9a-f]{40}$/),
      type: 'ats.application.stage_changed',
      subject: '5d8b3a1c-opp',
      time: new Date(triggeredAt).toISOString(),
      data: { stage: { from: { id: 'stage-screen', category: 'screening' }, to: { id: 'stage-onsite', category: 'interview' } } },
    });
  });

  it('Lever: a captured token/triggeredAt/signature is good for its own body once: a retry is a no-op 202, another body 409, a stale or future one 401, another tenant 401', async () => {
    const oppA = unique('opp-a');
    const oppB = unique('opp-b');
    const genuine = leverDelivery(SECRET, 'candidateStageChange', { fromStageId: 'stage-screen', toStageId: 'stage-onsite', candidateId: 'cand-1', opportunityId: oppA, contactId: 'contact-1' });
    const first = await postLever(genuine);
    expect(first.statusCode).toBe(202);
    expect(first.json().accepted).toHaveLength(1);

    // Lever retrying the same delivery (our 202 was lost): accepted, nothing produced again.
    const again = await postLever(genuine);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ accepted: [], duplicate: true });
    // The same signed token on forged bodies: another event, another opportunity.
    const { token, triggeredAt, signature } = genuine;
    const archive = { token, triggeredAt, signature, event: 'candidateArchiveChange', data: { candidateId: 'cand-2', opportunityId: oppB, contactId: 'contact-2', fromArchived: null, toArchived: { archivedAt: triggeredAt, reason: 'reason-hired' } } };
    const moved = { ...genuine, data: { ...genuine.data, opportunityId: oppB } };
    for (const forged of [archive, moved]) {
      const refused = await postLever(forged);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'replayed_token' } });
    }
    // Correctly signed, but signed 6 minutes ago or 2 minutes ahead.
    for (const at of [Date.now() - 6 * 60_000, Date.now() + 2 * 60_000]) {
      const late = await postLever(leverDelivery(SECRET, 'candidateHired', { candidateId: 'cand-2', opportunityId: oppB, contactId: 'contact-2' }, { triggeredAt: at }));
      expect(late.statusCode).toBe(401);
      expect(late.json()).toMatchObject({ error: { code: 'stale_delivery' } });
    }
    // The other tenant's secret does not sign this token.
    expect((await postLever(genuine, other)).statusCode).toBe(401);

    // The next events on both opportunities are the genuine ones that follow: nothing in between.
    expect((await postLever(leverDelivery(SECRET, 'candidateStageChange', { fromStageId: 'stage-onsite', toStageId: 'stage-offer', candidateId: 'cand-1', opportunityId: oppA }))).statusCode).toBe(202);
    expect((await postLever(leverDelivery(SECRET, 'candidateStageChange', { fromStageId: 'stage-new', toStageId: 'stage-screen', candidateId: 'cand-2', opportunityId: oppB }))).statusCode).toBe(202);
    const onA = await eventsFor(`${tenant}:${oppA}`, 2);
    expect(onA.map((e) => e.value.id)).toEqual([(first.json().accepted as { id: string }[])[0]!.id, expect.any(String)]);
    expect((onA[1]!.value.data as { stage: { to: { id: string } } }).stage.to.id).toBe('stage-offer');
    const [onB] = await eventsFor(`${tenant}:${oppB}`, 1);
    expect(onB!.value).toMatchObject({ type: 'ats.application.stage_changed', data: { stage: { to: { id: 'stage-screen' } } } });
  });

  it('Lever: remembered tokens are deleted once their triggeredAt is out of the window', async () => {
    const tokens = async () => Number((await db.query<{ n: string }>('select count(*) as n from webhook_tokens where tenant_id = $1', [other])).rows[0]!.n);
    const opportunityId = unique('opp-purge');
    expect((await postLever(leverDelivery(OTHER_SECRET, 'candidateHired', { candidateId: 'c', opportunityId }), other)).statusCode).toBe(202);
    expect(await tokens()).toBe(1);
    clockAhead = 6 * 60_000;
    try {
      // Six minutes on, the first token is stale anyway: the next delivery's claim deletes it.
      const next = leverDelivery(OTHER_SECRET, 'candidateStageChange', { toStageId: 'stage-x', candidateId: 'c', opportunityId: unique('opp-purge') }, { triggeredAt: Date.now() + clockAhead });
      expect((await postLever(next, other)).statusCode).toBe(202);
      expect(await tokens()).toBe(1);
    } finally {
      clockAhead = 0;
    }
  });

  it('Ashby: a signed application and interview schedule become created and interview.scheduled; other actions are acknowledged and ignored', async () => {
    const submit = JSON.stringify({
      action: 'applicationSubmit',
      data: {
        application: {
          id: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e',
          createdAt: '2026-03-02T09:00:00.000Z',
          updatedAt: '2026-03-02T09:00:00.000Z',
          status: 'Active',
          candidate: { id: '5b591e62-4d6a-4d5a-9b32-0b4c9b4c9b4c', name: 'Ada King Lovelace', primaryEmailAddress: { value: 'ada@example.com', type: 'Personal', isPrimary: true }, primaryPhoneNumber: { value: '+46 70 123 45 67', type: 'Mobile', isPrimary: true } },
          currentInterviewStage: { id: 'c2f0', title: 'Phone Screen', type: 'Active', orderInInterviewPlan: 1 },
          job: { id: 'job-uuid-1', title: 'Backend Engineer', locationId: 'loc', departmentId: 'dep' },
        },
      },
    });
    const schedule = JSON.stringify({
      action: 'interviewScheduleCreate',
      data: {
        interviewSchedule: {
          id: 'sched-1',
          applicationId: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e',
          status: 'Scheduled',
          interviewEvents: [{ id: 'iev-1', startTime: '2026-03-05T13:00:00.000Z', endTime: '2026-03-05T14:00:00.000Z', location: 'Stockholm office', meetingLink: 'https://meet.example.com/xyz' }],
        },
      },
    });
    const sign = (body: string) => ({ 'ashby-signature': `sha256=${hmacSha256Hex(SECRET, body)}` });
    expect((await post('ashby', submit, { 'ashby-signature': 'sha256=00' })).statusCode).toBe(401);
    expect((await post('ashby', submit, sign(submit))).statusCode).toBe(202);
    expect((await post('ashby', schedule, sign(schedule))).statusCode).toBe(202);
    const ping = JSON.stringify({ action: 'ping', data: {} });
    const ignored = await post('ashby', ping, sign(ping));
    expect(ignored.statusCode).toBe(202);
    expect(ignored.json()).toMatchObject({ accepted: [], ignored: expect.any(String) });

    const events = await eventsFor(`${tenant}:e9ed20fd-d45f-4aad-8a00-a19bfba0083e`, 2);
    expect(events[0]!.value).toMatchObject({
      type: 'ats.application.created',
      subject: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e',
      data: { candidate: { firstName: 'Ada', lastName: 'King Lovelace', phone: '+46701234567' }, stage: { to: { name: 'Phone Screen', category: 'screening' } } },
    });
    expect(events[1]!.value).toMatchObject({ type: 'ats.interview.scheduled', data: { interview: { id: 'sched-1', start: '2026-03-05T13:00:00.000Z', link: 'https://meet.example.com/xyz' } } });
  });

  it('Ashby: webhooks of one action share webhookActionId, yet a withdrawal stays a withdrawal and each event keeps its own id', async () => {
    const appId = unique('ashby-app');
    const candidateId = unique('ashby-cand');
    const archived = ashbyApplication(appId, candidateId, {
      status: 'Archived',
      updatedAt: '2026-03-03T10:00:00.000Z',
      currentInterviewStage: { id: 'arch', title: 'Archived', type: 'Archived', orderInInterviewPlan: 99 },
      archiveReason: { id: 'ar-1', text: 'Accepted another offer', reasonType: 'RejectedByCandidate', isArchived: false },
    });
    const withdrawAction = randomBytes(16).toString('hex');
    // The archive fires candidateStageChange and applicationUpdate with one webhookActionId, in either order.
    expect((await postAshby({ webhookActionId: withdrawAction, action: 'candidateStageChange', data: { application: archived } })).statusCode).toBe(202);
    expect((await postAshby({ webhookActionId: withdrawAction, action: 'applicationUpdate', data: { application: archived } })).statusCode).toBe(202);
    // An interview schedule created fires interviewScheduleCreate and interviewScheduleUpdate with one id too.
    const scheduleAction = randomBytes(16).toString('hex');
    const schedule = { id: unique('sched'), applicationId: appId, candidateId, status: 'Scheduled', interviewStageId: 'c2f0', interviewEvents: [{ id: 'iev-9', startTime: '2026-03-05T13:00:00.000Z', endTime: '2026-03-05T14:00:00.000Z' }] };
    expect((await postAshby({ webhookActionId: scheduleAction, action: 'interviewScheduleCreate', data: { interviewSchedule: schedule } })).statusCode).toBe(202);
    expect((await postAshby({ webhookActionId: scheduleAction, action: 'interviewScheduleUpdate', data: { interviewSchedule: schedule } })).statusCode).toBe(202);

    const events = await eventsFor(`${tenant}:${appId}`, 4);
    const [viaStage, viaUpdate, created, updated] = events.map((e) => e.value);
    // Both webhooks report one withdrawal (one id: the journey applies it once); nothing says "rejected".
    expect(viaStage).toMatchObject({ type: 'ats.application.withdrawn', data: { reason: 'Accepted another offer', candidate: { id: candidateId, firstName: 'Ada' } } });
    expect(viaUpdate).toMatchObject({ type: 'ats.application.withdrawn' });
    expect(viaUpdate!.id).toBe(viaStage!.id);
    expect(JSON.stringify(events)).not.toContain('rejected');
    expect(created).toMatchObject({ type: 'ats.interview.scheduled' });
    expect(updated).toMatchObject({ type: 'ats.interview.rescheduled' });
    expect(new Set([viaStage!.id, created!.id, updated!.id]).size).toBe(3);
    for (const id of [viaStage!.id, created!.id, updated!.id]) expect(id.startsWith('ashby:')).toBe(true);

    // A hire fires candidateHire, candidateStageChange and applicationUpdate with one id: one hired event, three times.
    const hiredApp = unique('ashby-hired');
    const hired = ashbyApplication(hiredApp, candidateId, { status: 'Hired', currentInterviewStage: { id: 'hired', title: 'Hired', type: 'Hired', orderInInterviewPlan: 9 } });
    const hireAction = randomBytes(16).toString('hex');
    for (const action of ['candidateStageChange', 'candidateHire', 'applicationUpdate']) expect((await postAshby({ webhookActionId: hireAction, action, data: { application: hired } })).statusCode).toBe(202);
    const hires = await eventsFor(`${tenant}:${hiredApp}`, 3);
    expect(hires.map((e) => e.value.type)).toEqual(['ats.application.hired', 'ats.application.hired', 'ats.application.hired']);
    expect(new Set(hires.map((e) => e.value.id)).size).toBe(1);

    // The candidate deleted in Ashby: both of their applications are erased.
    const deleted = await postAshby({ webhookActionId: randomBytes(16).toString('hex'), action: 'candidateDelete', data: { candidate: { id: candidateId } } });
    expect((deleted.json().accepted as { subject: string; type: string }[]).map((a) => [a.subject, a.type]).sort()).toEqual([[appId, 'ats.candidate.erased'], [hiredApp, 'ats.candidate.erased']].sort());
    const [erased] = (await eventsFor(`${tenant}:${hiredApp}`, 4)).slice(3);
    expect(erased!.value).toMatchObject({ type: 'ats.candidate.erased', data: { candidate: { id: candidateId } } });
  });

  it('Greenhouse: Greenhouse-Event-ID is the event id; the stage change carries its candidate and job; update_candidate (no application in it) reaches the candidate’s applications in its own tenant only; candidate_anonymized erases them', async () => {
    const candidateId = 40_000_000 + Math.floor(Math.random() * 1_000_000);
    const [appA, appB] = [candidateId + 1, candidateId + 2];
    const giuseppe = ghCandidate(candidateId, { first: 'Giuseppe', last: 'Hurley', email: 'giuseppe.hurley@example.com', phone: '+1 330 281 8004' });
    const eventId = `3ce5180d-9119-4ddc-9ef6-${randomBytes(6).toString('hex')}`;
    expect((await postGreenhouse(ghStageChange(appA, giuseppe), tenant, eventId)).statusCode).toBe(202);
    expect((await postGreenhouse(ghNewApplication(appB, giuseppe))).statusCode).toBe(202);
    // The other tenant has an application with the same ids and its own candidate.
    const other_ = ghCandidate(candidateId, { first: 'Greta', last: 'Garbo', email: 'greta@example.se', phone: '+46 70 555 01 02' });
    expect((await postGreenhouse(ghNewApplication(appA, other_), other)).statusCode).toBe(202);

    const [stageChange] = await eventsFor(`${tenant}:${appA}`, 1);
    expect(stageChange!.value).toMatchObject({
      id: `greenhouse:${eventId}`,
      type: 'ats.application.stage_changed',
      data: {
        application: { id: String(appA), jobId: '3485', jobTitle: 'Designer', department: 'Community' },
        candidate: { id: String(candidateId), firstName: 'Giuseppe', lastName: 'Hurley', email: 'giuseppe.hurley@example.com', phone: '+13302818004', timeZone: 'America/Los_Angeles' },
        stage: { to: { id: '71416', name: 'Assessment', category: 'interview' } },
      },
    });

    // Giuseppe changes his e-mail address: the documented payload names no application.
    const moved = { ...giuseppe, email_addresses: [{ value: 'g.hurley@example.org', type: 'personal' }] };
    const update = await postGreenhouse(ghUpdateCandidate(moved));
    expect(update.statusCode).toBe(202);
    expect((update.json().accepted as unknown[]).length).toBe(2);
    const [, updatedA] = await eventsFor(`${tenant}:${appA}`, 2);
    const [, updatedB] = await eventsFor(`${tenant}:${appB}`, 2);
    for (const event of [updatedA!, updatedB!]) expect(event.value).toMatchObject({ type: 'ats.candidate.updated', data: { candidate: { id: String(candidateId), firstName: 'Giuseppe', email: 'g.hurley@example.org' } } });
    expect(updatedA!.value.id).not.toBe(updatedB!.value.id);

    // GDPR anonymization in Greenhouse erases both journeys; the other tenant's is untouched.
    const anonymized = await postGreenhouse({ action: 'candidate_anonymized', payload: { candidate_id: candidateId, anonymized_fields: ['full_name', 'email_addresses', 'phone_numbers'] } });
    expect(anonymized.statusCode).toBe(202);
    const [, , erasedA] = await eventsFor(`${tenant}:${appA}`, 3);
    const [, , erasedB] = await eventsFor(`${tenant}:${appB}`, 3);
    for (const [event, id] of [[erasedA!, appA], [erasedB!, appB]] as const) {
      expect(event.value).toMatchObject({ type: 'ats.candidate.erased', subject: String(id), data: { application: { id: String(id) }, candidate: { id: String(candidateId) } } });
      expect(JSON.stringify(event.value)).not.toContain('Giuseppe');
    }
    // Anonymizing only what Candor never keeps (tags) erases nothing; and once erased, the links are gone.
    expect((await postGreenhouse({ action: 'candidate_anonymized', payload: { candidate_id: candidateId, anonymized_fields: ['tags'] } }, other)).json()).toMatchObject({ accepted: [] });
    expect((await postGreenhouse(ghUpdateCandidate(moved))).json()).toMatchObject({ accepted: [], ignored: expect.any(String) });
    const otherUpdate = await postGreenhouse(ghUpdateCandidate({ ...other_, last_name: 'Gustafsson' }), other);
    expect((otherUpdate.json().accepted as { subject: string }[]).map((a) => a.subject)).toEqual([String(appA)]);
    const [otherCreated, otherUpdated] = await eventsFor(`${other}:${appA}`, 2);
    expect(otherCreated!.value).toMatchObject({ type: 'ats.application.created', data: { candidate: { firstName: 'Greta', timeZone: 'Europe/Stockholm' } } });
    expect(otherUpdated!.value).toMatchObject({ type: 'ats.candidate.updated', data: { candidate: { firstName: 'Greta', lastName: 'Gustafsson' } } });

    // Greenhouse's documented "Candidate deleted" names the deleted applications itself.
    const deleted = await postGreenhouse({ action: 'delete_candidate', payload: { person: { id: candidateId, first_name: 'Greta', last_name: 'Gustafsson', company: null, title: null, created_at: '2013-03-22T00:00:00Z', is_private: false, can_email: true, deleted_application_ids: [appA] } } }, other);
    expect((deleted.json().accepted as { subject: string; type: string }[]).map((a) => [a.subject, a.type])).toEqual([[String(appA), 'ats.candidate.erased']]);
    const [, , otherErased] = await eventsFor(`${other}:${appA}`, 3);
    expect(otherErased!.value).toMatchObject({ type: 'ats.candidate.erased', data: { candidate: { id: String(candidateId) } } });
  });

  it('in every order, the events of a Greenhouse, an Ashby and a Lever application carry the candidate wherever the vendor sends one (two tenants)', async () => {
    // Greenhouse: application, stage change, rejection; each payload carries the candidate.
    const ghOrders = permutations(['new', 'stage', 'reject'] as const);
    const ashbyOrders = permutations(['submit', 'stage', 'interview'] as const);
    const leverOrders = permutations(['stage', 'archive'] as const);
    let cases = 0;
    for (const [index, order] of ghOrders.entries()) {
      for (const to of [tenant, other]) {
        const candidateId = 50_000_000 + index * 10 + (to === tenant ? 0 : 5);
        const appId = candidateId + 1;
        const who = ghCandidate(candidateId, { first: 'Ann', last: `Order${index}`, email: `ann.${index}@example.com`, phone: '+46 70 111 22 33' });
        const reject = ghStageChange(appId, who);
        const bodies = { new: ghNewApplication(appId, who), stage: ghStageChange(appId, who), reject: { action: 'reject_candidate', payload: { application: { ...reject.payload.application, status: 'rejected', rejection_reason: { id: 9, name: 'Lacking skill(s)', type: { id: 1, name: 'We rejected them' } } } } } };
        for (const step of order) expect((await postGreenhouse(bodies[step], to)).statusCode).toBe(202);
        const events = await eventsFor(`${to}:${appId}`, 3);
        expect(events.map((e) => e.value.type)).toEqual(order.map((s) => ({ new: 'ats.application.created', stage: 'ats.application.stage_changed', reject: 'ats.application.rejected' })[s]));
        for (const event of events) {
          expect(event.value.data).toMatchObject({ application: { id: String(appId), jobTitle: 'Designer' }, candidate: { id: String(candidateId), firstName: 'Ann', lastName: `Order${index}`, email: `ann.${index}@example.com`, phone: '+46701112233' } });
        }
        cases++;
      }
    }
    for (const [index, order] of ashbyOrders.entries()) {
      for (const to of [tenant, other]) {
        const appId = unique(`ashby-order-${index}`);
        const candidateId = unique('cand');
        const application = ashbyApplication(appId, candidateId);
        const bodies = {
          submit: { webhookActionId: randomBytes(8).toString('hex'), action: 'applicationSubmit', data: { application } },
          stage: { webhookActionId: randomBytes(8).toString('hex'), action: 'candidateStageChange', data: { application: { ...application, currentInterviewStage: { id: 'onsite', title: 'Onsite', type: 'Active', orderInInterviewPlan: 3 } } } },
          interview: { webhookActionId: randomBytes(8).toString('hex'), action: 'interviewScheduleCreate', data: { interviewSchedule: { id: `s-${appId}`, applicationId: appId, status: 'Scheduled', interviewStageId: 'onsite', interviewEvents: [{ id: 'e1', startTime: '2026-03-05T13:00:00.000Z', endTime: '2026-03-05T14:00:00.000Z' }] } } },
        };
        for (const step of order) expect((await postAshby(bodies[step], to)).statusCode).toBe(202);
        const events = await eventsFor(`${to}:${appId}`, 3);
        for (const event of events.filter((e) => e.value.type !== 'ats.interview.scheduled')) {
          expect(event.value.data).toMatchObject({ candidate: { id: candidateId, firstName: 'Ada', lastName: 'King Lovelace', email: 'ada@example.com', phone: '+46701234567' } });
        }
        expect(new Set(events.map((e) => e.value.id)).size).toBe(3);
        cases++;
      }
    }
    for (const [index, order] of leverOrders.entries()) {
      for (const to of [tenant, other]) {
        const opportunityId = unique(`lever-order-${index}`);
        const secret = to === tenant ? SECRET : OTHER_SECRET;
        const bodies = {
          stage: leverDelivery(secret, 'candidateStageChange', { fromStageId: 'stage-screen', toStageId: 'stage-onsite', candidateId: 'c', opportunityId, contactId: 'c' }),
          archive: leverDelivery(secret, 'candidateArchiveChange', { candidateId: 'c', opportunityId, contactId: 'c', fromArchived: null, toArchived: { archivedAt: Date.now(), reason: 'reason-withdrew' } }),
        };
        for (const step of order) expect((await postLever(bodies[step], to)).statusCode).toBe(202);
        const events = await eventsFor(`${to}:${opportunityId}`, 2);
        // Lever sends ids only; the archive reason is mapped per tenant (withdrawn here, rejected by default there).
        expect(events.map((e) => e.value.type).sort()).toEqual(['ats.application.stage_changed', to === tenant ? 'ats.application.withdrawn' : 'ats.application.rejected'].sort());
        cases++;
      }
    }
    expect(cases).toBe(2 * (6 + 6 + 2));
  });

  it('answers 404 for a tenant without an adapter and 400 for a body that is not JSON', async () => {
    expect((await post('greenhouse', '{}', {}, 'nobody')).statusCode).toBe(404);
    expect((await post('workday', '{}', {})).statusCode).toBe(404);
    expect((await post('ashby', 'not json', { 'ashby-signature': `sha256=${hmacSha256Hex(SECRET, 'not json')}` })).statusCode).toBe(400);
  });
});
