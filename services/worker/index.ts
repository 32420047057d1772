import { NativeConnection, Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { createActivities, type JourneyEventSink } from '../../activities';
import { createProviders } from '../../activities/messaging';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../store';
import { createPayloadCodec } from '../temporal/connection';

/** A running worker role; `close()` stops polling, lets in-flight tasks finish and disconnects. */
export interface WorkerRole {
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Starts a Temporal worker polling Candor's task queue for journey workflows and their activities. */
export async function startWorker(config: Config, deps: { logger: Logger; db: Database; events: JourneyEventSink }): Promise<WorkerRole> {
  if (!runtimeInstalled) {
    // The SDK's core logs through our pino logger at warn and above, so its lines are JSON like ours.
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => deps.logger.warn({ sdk: entry.meta }, entry.message)),
      shutdownSignals: [],
    });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(config.temporal.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.temporal.maxCachedWorkflows } : {}),
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ logger: deps.logger, db: deps.db, events: deps.events, providers: createProviders(config, deps.db), publicUrl: config.http.publicUrl }),
    dataConverter: { payloadCodecs: [createPayloadCodec(config)] },
    shutdownGraceTime: config.shutdownGraceMs,
  });
  const running = worker.run();
  deps.logger.info({ taskQueue: config.temporal.taskQueue }, 'worker polling');
  return {
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
