import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
        // int64 as strings and bytes as base64, the forms protobufjs' fromObject reads back.
        const json = JSON.stringify(history, function (this: unknown, key, value: unknown) {
          const raw = (this as Record<string, unknown>)[key];
          if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
          if (raw && typeof raw === 'object' && 'low' in raw && 'high' in raw && 'unsigned' in raw) return (raw as { toString(): string }).toString();
          return value;
        });
        writeFileSync(join(HISTORIES_DIR, `${name}.json`), json);
      }
    }),
  );
  return (handle, name) => void toRecord.push([handle, name]);
}
