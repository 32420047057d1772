import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { JourneyHandle } from '../../core/temporal/journeys';
import type { Fixture } from './fixture';

/** Where the replay test (test/workflow/replay.test.ts) reads its saved histories. */
export const HISTORIES_DIR = join(__dirname, '..', 'workflow', 'histories');

/**
 * `RECORD_HISTORIES=1` saves the histories of the journeys passed to `record` for the replay test. They are
 * fetched at the fixture's teardown, after the last test (a history fetch on the time-skipping server
 * disturbs later skipping), before its server stops.
 */
export function historyRecorder(t: Fixture): (handle: JourneyHandle, name: string) => void {
  const toRecord: [JourneyHandle, string][] = [];
  beforeAll(() =>
    t.onTeardown(async () => {
      if (process.env.RECORD_HISTORIES !== '1') return;
      for (const [handle, name] of toRecord) {
        const history = await handle.fetchHistory();
        writeFileSync(join(HISTORIES_DIR, `${name}.json`), JSON.stringify(historyJson(history)));
      }
    }),
  );
  return (handle, name) => void toRecord.push([handle, name]);
}

type HistoryJson = { events: Record<string, unknown>[] };

/** A history as plain JSON: int64 as strings and bytes as base64, the forms `History.fromObject` reads back. */
export function historyJson(history: temporal.api.history.v1.IHistory): HistoryJson {
  return JSON.parse(
    JSON.stringify(history, function (this: unknown, key, value: unknown) {
      const raw = (this as Record<string, unknown>)[key];
      if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
      if (raw && typeof raw === 'object' && 'low' in raw && 'high' in raw && 'unsigned' in raw) return (raw as { toString(): string }).toString();
      return value;
    }),
  ) as HistoryJson;
}

const EventType = temporal.api.enums.v1.EventType;
const typeOf = (e: Record<string, unknown>): temporal.api.enums.v1.EventType | null | undefined => temporal.api.history.v1.HistoryEvent.fromObject(e).eventType;

/**
 * A new journey's history whose first workflow task completed with a timer while the task's first local activity (the
 * acknowledgement's send) ran, as it does when a query reaches the journey during that task, with the activity's marker
 * moved to where the other outcome of that race puts it: recorded by the `first` task, right after the task's own
 * commands (the activity ended while the SDK completed the task for the query), or by the `second` (it ended after).
 * Events are renumbered and every event id an event refers to is mapped along.
 */
export function withFirstMarkerIn(history: temporal.api.history.v1.IHistory, task: 'first' | 'second'): temporal.api.history.v1.History {
  const events = historyJson(history).events;
  const types = events.map(typeOf);
  const shape = () => types.map((type) => EventType[type ?? 0]?.replace('EVENT_TYPE_', '')).join(' ');
  const completed = types.flatMap((type, i) => (type === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED ? [i] : []));
  const [first, second] = completed;
  const marker = types.indexOf(EventType.EVENT_TYPE_MARKER_RECORDED);
  const secondScheduled = types.findIndex((type, i) => i > first! && type === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  const markerInFirst = marker > first! && marker < secondScheduled;
  if (first === undefined || second === undefined || types[first + 1] !== EventType.EVENT_TYPE_TIMER_STARTED || !(markerInFirst || marker === second + 1)) {
    throw new Error(`not a journey whose first task completed with a timer while its first local activity ran: ${shape()}`);
  }
  const reordered = [...events];
  const [moved] = reordered.splice(marker, 1);
  const attributes = moved!.markerRecordedEventAttributes as Record<string, unknown>;
  if (task === 'first') {
    attributes.workflowTaskCompletedEventId = String(events[first]!.eventId);
    reordered.splice(secondScheduled - (markerInFirst ? 1 : 0), 0, moved!);
  } else {
    attributes.workflowTaskCompletedEventId = String(events[second]!.eventId);
    reordered.splice(second + (markerInFirst ? 0 : 1), 0, moved!);
  }
  const ids = new Map(reordered.map((e, i) => [String(e.eventId), String(i + 1)]));
  const remap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(remap);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /EventId$/.test(k) && typeof v === 'string' && ids.has(v) ? ids.get(v) : remap(v)]));
  };
  const renumbered = reordered.map((e) => ({ ...(remap(e) as Record<string, unknown>), eventId: ids.get(String(e.eventId)) }));
  return temporal.api.history.v1.History.fromObject({ events: renumbered });
}
