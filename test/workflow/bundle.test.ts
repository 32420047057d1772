import { workflowBundle } from '../helpers/worker';

// The worker evaluates the workflow code once and every journey shares it (core/temporal/workflow-code.ts); the SDK
// freezes shared modules, and zod writes to its schemas lazily, so zod and the engine's boundary schemas belong to
// the API, ingest and activities, never to the bundle.
describe('the workflow bundle', () => {
  it('carries no zod and none of the engine\u2019s schema modules', async () => {
    const { code } = await workflowBundle();
    const modules = [...new Set([...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]!))];
    expect(modules.length).toBeGreaterThan(50);
    expect(modules.filter((m) => m.includes('node_modules/zod'))).toEqual([]);
    expect(modules.filter((m) => /workflows\/engine\/(definition|inputs|index|simulate)\.ts$/.test(m))).toEqual([]);
    expect(modules).toEqual(expect.arrayContaining([expect.stringMatching(/workflows\/engine\/checks\.ts$/), expect.stringMatching(/workflows\/engine\/decide\.ts$/)]));
  });
});
