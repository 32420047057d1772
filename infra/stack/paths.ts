import { join, resolve } from 'node:path';

/** The repository root (infra/stack is two levels down). */
export const ROOT = resolve(__dirname, '..', '..');
/** Git-ignored cache of installed tools (Temporal CLI venv, Kafka jars). */
export const LOCAL_DIR = process.env.CANDOR_LOCAL_DIR ?? join(ROOT, '.local');
/** Git-ignored default state directory (databases, broker storage, logs). */
export const DATA_DIR = join(ROOT, '.data');

/** Versions the local stack pins; README.md explains each choice. */
export const VERSIONS = {
  temporalCli: '1.9.1',
  temporalTestServer: '1.40.0',
  kafka: '3.9.1',
} as const;
