import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { testDataConverter, workflowBundle } from '../helpers/worker';

/**
 * Replays saved histories of the default journeys through today's workflow code. A change that would
 * break journeys already running in production (non-determinism) fails here, before it ships; such a
 * change needs `patched()`. Re-record with `RECORD_HISTORIES=1 npm test -- --selectProjects workflow`
 * only when the change is deliberately compatible.
 */
const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('replay of saved journey histories', () => {
  it('has histories of both default journeys to replay', () => {
    expect(files.some((f) => f.startsWith('en-'))).toBe(true);
    expect(files.some((f) => f.startsWith('sv-'))).toBe(true);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: testDataConverter }, history, `journey/acme/${file}`),
    ).resolves.toBeUndefined();
  });
});
