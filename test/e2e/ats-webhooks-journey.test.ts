import { randomBytes } from 'node:crypto';
import { saveTenantAdapter } from '../../services/adapters';
import { hmacSha256Hex } from '../../services/adapters/signatures';
import { addApiKey, generateApiKey } from '../../core/store';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';

/** A Greenhouse application payload (Harvest webhook shape) with its candidate and job. */
const ghApplication = (appId: number, candidateId: number, who: { first: string; email: string }, stage: { id: number; name: string }) => ({
  id: appId,
  rejected_at: null,
  prospect: false,
  status: 'active',
  applied_at: new Date().toISOString(),
  last_activity_at: new Date().toISOString(),
  source: { id: 31, name: 'Agency' },
  rejection_reason: null,
  current_stage: { ...stage, interviews: [] },
  custom_fields: {},
  candidate: {
    id: candidateId,
    first_name: who.first,
    last_name: 'Hurley',
    company: null,
    title: null,
    is_private: false,
    can_email: true,
    phone_numbers: [{ value: '330-281-8004', type: 'home' }],
    email_addresses: [{ value: who.email, type: 'personal' }],
    addresses: [],
    attachments: [],
    tags: [],
    custom_fields: {},
  },
  jobs: [{ id: 3485, name: 'Designer', requisition_id: null, status: 'open', departments: [{ id: 237, name: 'Community' }], offices: [] }],
});

/**
 * Greenhouse webhooks through a whole Candor (api, ingest, worker; sandbox e-mail): whatever order the
 * application and stage-change deliveries come in, and even when only the stage change arrives, the
 * candidate is acknowledged once, at the address the stage change carried; two tenants share one
 * Greenhouse application id.
 */
describe('Greenhouse webhooks to acknowledged candidates, in any order, two tenants', () => {
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all' }) });
  const secret = 'whsec-journey-0123456789';
  const tenants = [unique('gh-a').toLowerCase(), unique('gh-b').toLowerCase()];
  const keys = new Map<string, string>();

  const post = async (tenant: string, payload: object) => {
    const body = JSON.stringify(payload);
    const response = await fetch(`${t.base}/webhooks/ats/greenhouse/${tenant}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', signature: `sha256 ${hmacSha256Hex(secret, body)}`, 'greenhouse-event-id': randomBytes(16).toString('hex') },
    });
    return response.status;
  };
  const outbox = async (tenant: string, applicationId: number) => {
    const response = await fetch(`${t.base}/api/v1/outbox?applicationId=${applicationId}`, { headers: { authorization: `Bearer ${keys.get(tenant)!}` } });
    return ((await response.json()) as { messages: { template: string; channel: string; to: string }[] }).messages;
  };

  beforeAll(async () => {
    for (const tenant of tenants) {
      await t.candor.db.query('insert into tenants (id, name) values ($1, $2)', [tenant, `Tenant ${tenant}`]);
      await saveTenantAdapter(t.candor.db, { tenant, provider: 'greenhouse', secret, config: { defaultTimeZone: daytimeZone(), defaultLocale: 'en-GB' } });
      const key = generateApiKey();
      await addApiKey(t.candor.db, tenant, key, 'e2e');
      keys.set(tenant, key);
    }
  });

  it('stage change first, application first, or the stage change alone: one acknowledgement each, to the address the webhooks carried', async () => {
    const shared = 70_000_000 + Math.floor(Math.random() * 1_000_000);
    const review = { id: 767358, name: 'Application Review' };
    const screen = { id: 767359, name: 'Phone Screen' };
    const cases = [
      { tenant: tenants[0]!, appId: shared, who: { first: 'Anna', email: `anna.${shared}@example.com` }, order: ['stage', 'new'] },
      { tenant: tenants[1]!, appId: shared, who: { first: 'Bert', email: `bert.${shared}@example.com` }, order: ['new', 'stage'] },
      // The new-application delivery never came (not subscribed, or Greenhouse gave up): the stage change alone.
      { tenant: tenants[0]!, appId: shared + 1, who: { first: 'Cleo', email: `cleo.${shared}@example.com` }, order: ['stage'] },
    ];
    for (const { tenant, appId, who, order } of cases) {
      const bodies = {
        new: { action: 'new_candidate_application', payload: { application: ghApplication(appId, appId + 500, who, review) } },
        stage: { action: 'candidate_stage_change', payload: { application: ghApplication(appId, appId + 500, who, screen) } },
      };
      for (const step of order as ('new' | 'stage')[]) expect(await post(tenant, bodies[step])).toBe(202);
    }
    for (const { tenant, appId, who } of cases) {
      const acks = await eventually(async () => {
        const found = (await outbox(tenant, appId)).filter((m) => m.template === 'applied.ack');
        return found.length > 0 ? found : undefined;
      });
      expect(acks).toEqual([expect.objectContaining({ channel: 'email', to: who.email })]);
    }
  });
});
