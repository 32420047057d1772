import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { initialJourney, journeyChoice } from '../../core/journeys/published';
import { signalJourney } from '../../core/temporal/journeys';
import { journeyStatusQuery } from '../../workflows/shared';
import { atsEvent, daytimeZone } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';
import { withFirstMarkerIn } from '../helpers/histories';
import { testDataConverter, workflowBundle } from '../helpers/worker';

const EventType = temporal.api.enums.v1.EventType;

/**
 * A query that reaches a journey while its first workflow task waits makes the SDK complete that task as soon as the
 * journey has answered, with the acknowledgement's send (a local activity) still running; when the send ends just then,
 * its marker is recorded by that first task although the journey takes the result in only in the next one. A replay
 * hands the journey the result in the first task. Journeys started on this code (JOURNEY_FEATURES `steady-wake`) replay
 * the same either way; the timing is a race, so the test replays the history as it came and as the race would have made it.
 */
describe('a new journey replays whichever workflow task recorded its acknowledgement (dev server, search attributes)', () => {
  const t = useFixture({ temporal: 'shared' });

  it('replays with the acknowledgement recorded by the task that took it in, and by the task before', async () => {
    const timeZone = daytimeZone();
    const event = atsEvent('ats.application.created', Date.now(), { candidate: { firstName: 'Astrid', email: 'astrid@example.com', locale: 'sv-SE', timeZone } });
    const initial = await initialJourney(t.db, loadDefaultJourneys(), { tenant: 'acme', ...journeyChoice(event.data) }, Date.now());
    const applicationId = `replay-${Date.now()}`;
    const handle = await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { initial });
    // Asked about before a worker has taken the journey's first task (as the API asks about an application the store
    // does not have yet): the query goes with that task.
    const asked = handle.query(journeyStatusQuery);
    const markers = async () => ((await handle.fetchHistory()).events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length;
    await eventually(async () => ((await handle.describe()).raw.pendingWorkflowTask ? true : undefined));
    await t.withWorker(async () => {
      expect(await asked).toMatchObject({ eventsApplied: 1 });
      // The acknowledgement's send (carrying the first decision's record), then the record of the decision on its result.
      await eventually(async () => ((await markers()) >= 2 ? true : undefined));
    });
    const outbox = await t.db.query<{ template: string }>('select template from outbox where application_id = $1', [applicationId]);
    expect(outbox.rows.map((r) => r.template)).toEqual(['applied.ack']);

    const history = await handle.fetchHistory();
    const types = (h: temporal.api.history.v1.IHistory) => (h.events ?? []).map((e) => e.eventType);
    // The first task, completed for the query, set the journey's wake-up timer while the send ran.
    expect(types(history).slice(0, 6)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_TIMER_STARTED,
    ]);
    expect(types(history)).toContain(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    // Both outcomes of the race: the send's marker recorded by the first task, or by the second.
    const inFirst = withFirstMarkerIn(history, 'first');
    const inSecond = withFirstMarkerIn(history, 'second');
    expect(types(inFirst).slice(5, 8)).toEqual([EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_MARKER_RECORDED, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED]);
    expect(types(inSecond).slice(5, 10)).toEqual([
      EventType.EVENT_TYPE_TIMER_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_MARKER_RECORDED,
    ]);

    const replay = async (h: temporal.api.history.v1.IHistory) => Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: testDataConverter }, h, handle.workflowId);
    await expect(replay(history)).resolves.toBeUndefined();
    await expect(replay(inFirst)).resolves.toBeUndefined();
    await expect(replay(inSecond)).resolves.toBeUndefined();
  });
});
