// A Candor worker in its own process, for tests that kill it (SIGKILL) and start another.
// Env: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, JOURNEY_FILE (a YAML definition every journey uses).
import { readFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { parse } from 'yaml';
import { createActivities } from '../../activities';
import { createLogger } from '../../core/logger';
import { openPostgresDatabase } from '../../core/store';
import { validateDefinition } from '../../workflows/engine';
import { testDataConverter } from './worker';

async function main(): Promise<void> {
  const result = validateDefinition(parse(readFileSync(process.env.JOURNEY_FILE!, 'utf8')));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const db = await openPostgresDatabase(process.env.DATABASE_URL!);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TASK_QUEUE!,
    workflowsPath: require.resolve('../../workflows'),
    dataConverter: testDataConverter,
    activities: createActivities({
      logger: createLogger({ logLevel: 'warn', secrets: [] }),
      db,
      events: { publish: async () => undefined },
      journeys: new Map([[result.definition.defaultLocale, { definition: result.definition, version: 'durability@1' }]]),
    }),
  });
  process.on('SIGTERM', () => worker.shutdown());
  console.log('worker ready');
  await worker.run();
  await connection.close();
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
