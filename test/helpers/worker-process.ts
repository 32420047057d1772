// A Candor worker in its own process, for tests that SIGKILL it and start another (the parent side is
// test/helpers/worker-processes.ts). Its sends go through the real Twilio and SendGrid SDKs to the fake
// providers when their variables are set, else through the sandbox (the outbox).
// Env: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, JOURNEY_FILE (a YAML definition every journey uses),
// WORKFLOW_BUNDLE (a file with bundleWorkflowCode's code, so a start does not bundle again), and optionally
// TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_API_BASE_URL and
// SENDGRID_API_KEY, SENDGRID_FROM, SENDGRID_API_BASE_URL.
// It loads, opens the database and connects to Temporal, prints "worker warm", and only when a line "go"
// arrives on stdin creates the worker and polls ("worker ready"): a test keeps one warm standby, so a
// restart after a kill takes a fraction of a second. It exits when stdin closes (the test went away).
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { parse } from 'yaml';
import { createActivities } from '../../activities';
import { createSandboxProvider, createSendGridEmailProvider, createTwilioSmsProvider, type Providers } from '../../activities/messaging';
import { createLogger } from '../../core/logger';
import { openPostgresDatabase } from '../../core/store';
import { validateDefinition } from '../../workflows/engine';
import { testDataConverter } from './worker';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const result = validateDefinition(parse(readFileSync(env('JOURNEY_FILE'), 'utf8')));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const db = await openPostgresDatabase(env('DATABASE_URL'));
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const providers: Providers = {
    sms: process.env.TWILIO_ACCOUNT_SID
      ? createTwilioSmsProvider({ accountSid: env('TWILIO_ACCOUNT_SID'), authToken: env('TWILIO_AUTH_TOKEN'), from: env('TWILIO_FROM'), baseUrl: env('TWILIO_API_BASE_URL'), timeoutMs: 5000 })
      : createSandboxProvider(db, 'sms'),
    email: process.env.SENDGRID_API_KEY
      ? createSendGridEmailProvider({ apiKey: env('SENDGRID_API_KEY'), from: env('SENDGRID_FROM'), baseUrl: env('SENDGRID_API_BASE_URL'), timeoutMs: 5000 })
      : createSandboxProvider(db, 'email'),
  };
  const activities = createActivities({
    logger: createLogger({ logLevel: 'warn', secrets: [] }),
    db,
    events: { publish: async () => undefined },
    journeys: new Map([[result.definition.defaultLocale, { definition: result.definition, version: 'test-worker@1' }]]),
    providers,
    publicUrl: 'http://127.0.0.1:1',
  });
  console.log('worker warm');

  const lines = createInterface({ input: process.stdin });
  lines.on('close', () => process.exit(0));
  await new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));

  const worker = await Worker.create({
    connection,
    taskQueue: env('TASK_QUEUE'),
    workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
    dataConverter: testDataConverter,
    activities,
    // A killed worker's cached journeys move to the next worker after 1 s instead of 10 s (the default);
    // correctness does not depend on it, the test's running time does.
    stickyQueueScheduleToStartTimeout: '1s',
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
