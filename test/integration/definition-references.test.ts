import { createHash } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { definitionTexts } from '../../core/store/definition-texts';
import { createPayloadCodec } from '../../core/temporal/connection';
import { DefinitionReferenceCodec } from '../../core/temporal/definition-references';
import { journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { workflowBundle } from '../helpers/worker';

/*
 * Candor with every role (real Kafka, a Temporal dev server, the real worker and ingest): ingest starts each new journey
 * naming its definition by digest (TEMPORAL_DEFINITION_REFERENCES=on), the worker restores the text from the
 * store, and a replay of the history long after gets the same input.
 */
describe('journey definitions by reference in Temporal', () => {
  const tenants = [unique('defa').toLowerCase(), unique('defb').toLowerCase()];
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all', TEMPORAL_DEFINITION_REFERENCES: 'on' }), tenants, producer: true });

  const created = (tenant: string, applicationId: string, locale: string) => {
    const data = exampleData(applicationId)['ats.application.created'];
    const event = exampleEvent('ats.application.created', { tenant, applicationId, data: { ...data, candidate: { ...data.candidate, locale, timeZone: daytimeZone() } } });
    return { key: `${tenant}:${applicationId}`, value: JSON.stringify(event) };
  };

  it('stores each journey definition once, starts journeys of two tenants with its digest, and the worker runs them on the full text', async () => {
    // The same application id at two tenants, one candidate Swedish and one English: two shipped journeys.
    const applicationId = unique('app');
    await t.producer.send({ topic: 'ats.events', messages: [created(tenants[0]!, applicationId, 'sv-SE'), created(tenants[1]!, applicationId, 'en-GB')] });

    for (const [tenant, journey] of [
      [tenants[0]!, 'default-sv'],
      [tenants[1]!, 'default-en'],
    ] as const) {
      const handle = t.client.workflow.getHandle(journeyWorkflowId(tenant, applicationId));
      // A query runs in the worker: the journey holds its definition, restored from the digest.
      const status = await eventually(async () => {
        const current = await handle.query(journeyStatusQuery).catch(() => undefined);
        return current?.eventsApplied === 1 ? current : undefined;
      });
      expect(status).toMatchObject({ tenant, applicationId, stage: 'applied', definitionVersion: expect.stringMatching(new RegExp(`^${journey}@`)) });

      // What Temporal keeps: the input, decrypted, names the definition and does not carry it.
      const history = await handle.fetchHistory();
      const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
      const [plain] = await createPayloadCodec(t.candor.config).decode(started.input!.payloads!);
      const input = Buffer.from(plain!.data!).toString('utf8');
      const digest = /"definition":\{"\$candorDefinition":"sha256:([0-9a-f]{64})"\}/.exec(input)?.[1];
      expect(digest).toBeDefined();
      expect(input.length).toBeLessThan(1_024);
      expect(input).not.toContain('"stages"');
      const { rows } = await t.candor.db.query<{ text: string }>('select text from journey_definition_texts where digest = $1', [digest]);
      expect(rows).toHaveLength(1);
      expect(createHash('sha256').update(rows[0]!.text).digest('hex')).toBe(digest);
      expect(JSON.parse(rows[0]!.text)).toMatchObject({ id: journey });

      // The history replays with the text read back from the store (as a worker does after a restart, years later).
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [new DefinitionReferenceCodec(definitionTexts(t.candor.db), { reference: false }), createPayloadCodec(t.candor.config)] } },
        history,
        handle.workflowId,
      );
    }

    // Each candidate got the acknowledgement in their language; the two shipped journeys are stored once each.
    const { rows: sent } = await t.candor.db.query<{ tenant_id: string; locale: string }>("select tenant_id, locale from outbox where application_id = $1 and template = 'applied.ack' order by tenant_id", [applicationId]);
    expect(sent.map((r) => [r.tenant_id, r.locale.slice(0, 2)])).toEqual(
      [
        [tenants[0]!, 'sv'],
        [tenants[1]!, 'en'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    const { rows: stored } = await t.candor.db.query<{ n: number }>('select count(*)::int as n from journey_definition_texts');
    expect(stored[0]!.n).toBe(2);
  });
});
