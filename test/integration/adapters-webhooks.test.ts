import type { FastifyInstance } from 'fastify';
import type { Consumer } from 'kafkajs';
import { saveTenantAdapter } from '../../services/adapters';
import { hmacSha256Hex } from '../../services/adapters/signatures';
import { registerAtsWebhooks } from '../../services/api/ats-webhooks';
import { buildApi } from '../../services/api/server';
import { createLogger } from '../../services/logger';
import { migrate, openPgliteDatabase, type Database } from '../../services/store';
import { TOPIC_ATS_EVENTS } from '../../services/kafka/topics';
import { unique } from '../helpers/env';
import { testKafka } from '../helpers/ingest-harness';

const SECRET = 'whsec-0123456789abcdef';

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

describe('ATS webhooks: verified, mapped per tenant, produced to ats.events before 2xx', () => {
  const tenant = unique('hooks').toLowerCase();
  const kafka = testKafka('candor-webhooks-test');
  let db: Database;
  let app: FastifyInstance;
  let consumer: Consumer;
  const received: { key: string; value: Record<string, unknown> }[] = [];
  let notify: (() => void) | undefined;

  /** The events produced for this test's tenant, once `count` of them arrived. */
  const produced = async (count: number) => {
    while (received.length < count) await new Promise<void>((r) => (notify = r));
    return received.slice(0, count);
  };
  let base = '';
  // A real HTTP round trip (light-my-request's inject cannot load under jest's CommonJS runtime).
  const post = async (provider: string, body: string, headers: Record<string, string>, to = tenant) => {
    const response = await fetch(`${base}/webhooks/ats/${provider}/${to}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await response.text();
    return { statusCode: response.status, json: () => JSON.parse(text) as unknown };
  };

  beforeAll(async () => {
    db = await openPgliteDatabase(undefined);
    await migrate(db);
    await db.query('insert into tenants (id, name) values ($1, $2)', [tenant, 'Hooks Inc']);
    await saveTenantAdapter(db, { tenant, provider: 'greenhouse', secret: SECRET, config: { stages: { '767358': 'applied' }, defaultTimeZone: 'America/Los_Angeles' } });
    await saveTenantAdapter(db, { tenant, provider: 'lever', secret: SECRET, config: { stages: { 'stage-onsite': 'interview' } } });
    await saveTenantAdapter(db, { tenant, provider: 'ashby', secret: SECRET });
    app = buildApi({ logger: createLogger({ logLevel: 'silent', secrets: [] }), probes: [] });
    registerAtsWebhooks(app, { db, kafka });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    consumer = kafka.consumer({ groupId: unique('hooks-watch') });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC_ATS_EVENTS, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (!key.startsWith(`${tenant}:`)) return;
        received.push({ key, value: JSON.parse(message.value!.toString()) as Record<string, unknown> });
        notify?.();
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
    const triggeredAt = 1772442000000;
    const payload = {
      triggeredAt,
      event: 'candidateStageChange',
      signature: hmacSha256Hex(SECRET, `${token}${triggeredAt}`),
      token,
      data: { fromStageId: 'stage-screen', toStageId: 'stage-onsite', candidateId: 'cand-9', opportunityId: '5d8b3a1c-opp', contactId: 'contact-9' },
    };
    expect((await post('lever', JSON.stringify({ ...payload, signature: hmacSha256Hex(SECRET, `x${triggeredAt}`) }), {})).statusCode).toBe(401);
    const response = await post('lever', JSON.stringify(payload), {});
    expect(response.statusCode).toBe(202);
    const events = await produced(3);
    expect(events[2]!.value).toMatchObject({
      id: `lever:candidateStageChange:5d8b3a1c-opp:${triggeredAt}`,
      type: 'ats.application.stage_changed',
      subject: '5d8b3a1c-opp',
      time: new Date(triggeredAt).toISOString(),
      data: { stage: { from: { id: 'stage-screen', category: 'screening' }, to: { id: 'stage-onsite', category: 'interview' } } },
    });
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

    const events = await produced(5);
    expect(events[3]!.value).toMatchObject({
      type: 'ats.application.created',
      subject: 'e9ed20fd-d45f-4aad-8a00-a19bfba0083e',
      data: { candidate: { firstName: 'Ada', lastName: 'King Lovelace', phone: '+46701234567' }, stage: { to: { name: 'Phone Screen', category: 'screening' } } },
    });
    expect(events[4]!.value).toMatchObject({ type: 'ats.interview.scheduled', data: { interview: { id: 'sched-1', start: '2026-03-05T13:00:00.000Z', link: 'https://meet.example.com/xyz' } } });
  });

  it('answers 404 for a tenant without an adapter and 400 for a body that is not JSON', async () => {
    expect((await post('greenhouse', '{}', {}, 'nobody')).statusCode).toBe(404);
    expect((await post('workday', '{}', {})).statusCode).toBe(404);
    expect((await post('ashby', 'not json', { 'ashby-signature': `sha256=${hmacSha256Hex(SECRET, 'not json')}` })).statusCode).toBe(400);
  });
});
