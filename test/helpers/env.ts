import { loadConfig, type Config } from '../../core/config';

/** The test stack's configuration (npm test sets TEMPORAL_ADDRESS, KAFKA_BROKERS, … for jest). */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...overrides });
}

/** A value the harness must have provided; a clear failure (not a skip) when run outside `npm test`. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through \`npm test\`, which starts the test stack.`);
  return value;
}

/** A short unique suffix, so tests sharing a server never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
