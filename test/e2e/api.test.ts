import { exampleData, exampleEvent } from '../../core/events/examples';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { asList } from '../helpers/api-harness';
import { daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';

describe('recruiter API through startCandor: publish a journey, and a running journey picks it up at its next stage', () => {
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all' }), producer: true });
  let key: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads bodies loosely
    return { status: response.status, body: (await response.json()) as any };
  };
  const produce = async (type: Parameters<typeof exampleEvent>[0], applicationId: string, data: unknown) => {
    const event = exampleEvent(type, { tenant: 'demo', applicationId, time: new Date().toISOString(), data: data as never });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(event) }] });
  };

  beforeAll(() => {
    key = t.candor.demo!.apiKey;
  });

  it('serves the OpenAPI document and refuses requests without the key', async () => {
    const docs = await fetch(`${t.base}/docs`);
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const anonymous = await fetch(`${t.base}/api/v1/journeys`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('publishes an edited journey; the running journey sends the new words when the candidate reaches screening', async () => {
    const applicationId = unique('app');
    const created = exampleData(applicationId)['ats.application.created'];
    await produce('ats.application.created', applicationId, { ...created, candidate: { ...created.candidate, timeZone: daytimeZone() } });

    // The candidate is on the board (visibility) once the journey has acknowledged them.
    const listed = await eventually(async () => {
      const { body } = await api('GET', '/api/v1/applications?stage=applied');
      return asList<{ applicationId: string }>(body.applications).find((a) => a.applicationId === applicationId);
    });
    expect(listed).toMatchObject({ stage: 'applied', sla: 'ok', waitingSince: expect.any(String) });

    const shipped = await api('GET', '/api/v1/journeys/default-sv');
    expect(shipped.body.origin).toBe('shipped');
    const definition = shipped.body.shipped.definition;
    definition.stages.screening.onEnter[0].text.sv.body = 'Hej {{ candidate.firstName }}! Nu går vi vidare, med en nyskriven resa.';
    expect((await api('PUT', '/api/v1/journeys/default-sv/draft', definition)).status).toBe(201);
    const diff = await api('GET', '/api/v1/journeys/default-sv/diff?from=shipped&to=draft');
    expect(diff.body.changes).toEqual([expect.objectContaining({ path: 'stages.screening.onEnter[0].text.sv.body', change: 'changed' })]);
    const simulation = await api('POST', '/api/v1/journeys/default-sv/simulate', {
      candidate: { timeZone: 'Europe/Stockholm' },
      start: '2026-03-03T09:00:00Z',
      events: [
        { at: '0m', type: 'ats.application.created' },
        { at: '1d', type: 'ats.application.stage_changed', stage: 'screening' },
      ],
      until: '20d',
    });
    expect(asList<{ template: string; body: string }>(simulation.body.messages).find((m) => m.template === 'screening.started')?.body).toContain('nyskriven resa');

    const published = await api('POST', '/api/v1/journeys/default-sv/publish');
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 1, label: 'default-sv@v1' });
    // Publishing signals no journey: the running one takes the new version at its next stage change, below.
    expect(published.body.runningJourneys.upgradesAt).toBe('next-stage-change');
    expect(published.body.runningJourneys.following).toBeGreaterThanOrEqual(1);

    await produce('ats.application.stage_changed', applicationId, exampleData(applicationId)['ats.application.stage_changed']);
    const message = await eventually(async () => {
      const { rows } = await t.candor.db.query<{ body: string }>("select body from outbox where application_id = $1 and template = 'screening.started'", [applicationId]);
      return rows[0];
    });
    expect(message.body).toContain('nyskriven resa');

    const detail = await api('GET', `/api/v1/applications/${applicationId}`);
    expect(detail.body.status).toMatchObject({ stage: 'screening', definitionVersion: 'default-sv@v1' });
    expect(asList<{ type: string }>(detail.body.timeline).map((e) => e.type)).toEqual(expect.arrayContaining(['message.delivered', 'stage.entered']));
  });
});
