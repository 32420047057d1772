// The worker of the benchmark's bare journeys (floor/workflow.ts), in its own process as Candor's worker role is,
// configured as that role is (payload encryption, cache size, slots, workflow stack traces through the same
// preload). Each acknowledgement is one stdout line `ACK <applicationId> <ms since the epoch>`; `READY` once polling.
// With FLOOR_EAGER=1 it also starts journeys itself, on the worker's own connection with eager start (the server hands
// the first workflow task back with the start): a stdin line `START <prefix> <count> <concurrency>` starts `count`
// journeys `<prefix><i>`, each with ingest's input and the first event as input; `STARTED <prefix> <eager count>` after.
import { createInterface } from 'node:readline';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../../core/config';
import { createPayloadCodec } from '../../../core/temporal/connection';
import { journeyWorkflowId } from '../../../workflows/shared';
import { workerTuning } from '../../../services/worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    shutdownSignals: ['SIGTERM', 'SIGINT'],
  });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const codec = createPayloadCodec(config);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workerTuning(config.temporal).options,
    workflowsPath: require.resolve('./workflow'),
    bundlerOptions: { preloadModules: [require.resolve('./workflow')] },
    dataConverter: { payloadCodecs: [codec] },
    activities: {
      async acknowledge(applicationId: string) {
        process.stdout.write(`ACK ${applicationId} ${Date.now()}\n`);
      },
    },
  });
  if (process.env.FLOOR_EAGER === '1') {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs: [codec] } });
    const input = JSON.parse(process.env.FLOOR_INPUT ?? '{}') as Record<string, unknown>;
    const event = JSON.parse(process.env.FLOOR_EVENT ?? '{}') as Record<string, unknown>;
    createInterface({ input: process.stdin }).on('line', (line) => {
      const [word, prefix, count, concurrency] = line.split(' ');
      if (word !== 'START' || !prefix) return;
      let next = 0;
      let eager = 0;
      void Promise.all(
        Array.from({ length: Number(concurrency) }, async () => {
          for (let i = next++; i < Number(count); i = next++) {
            const applicationId = `${prefix}${i}`;
            const handle = await client.workflow.start('candidateJourney', {
              workflowId: journeyWorkflowId('bench', applicationId),
              taskQueue: config.temporal.taskQueue,
              args: [{ ...input, tenant: 'bench', applicationId, first: event }],
              requestEagerStart: true,
            });
            if (handle.eagerlyStarted) eager++;
          }
        }),
      ).then(() => process.stdout.write(`STARTED ${prefix} ${eager}\n`));
    });
  }
  process.stdout.write('READY\n');
  await worker.run();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
