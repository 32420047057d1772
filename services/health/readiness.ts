/** One dependency's readiness, as /readyz reports it. */
export interface DependencyCheck {
  /** A dependency, or a role of this process that can be stuck while its dependencies answer. */
  name: 'temporal' | 'kafka' | 'database' | 'ingest' | 'worker';
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** A named probe of one dependency; it resolves when the dependency answered a real request. */
export type Probe = { name: DependencyCheck['name']; check: () => Promise<void> };

/** Runs every probe in parallel, each bounded by `timeoutMs`, and reports each by name. */
export async function checkReadiness(probes: Probe[], timeoutMs = 3000): Promise<{ ready: boolean; checks: DependencyCheck[] }> {
  const checks = await Promise.all(
    probes.map(async ({ name, check }): Promise<DependencyCheck> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { name, ok: true, latencyMs: Math.round(performance.now() - started) };
      } catch (error) {
        return { name, ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: checks.every((c) => c.ok), checks };
}
