// What one journey costs the Temporal server, by its shape: the server's CPU per workflow (from /proc) for journeys
// started at a steady rate, each shape in turn, in alternating rounds (the server's cost per item drifts as it fills,
// so each shape is divided by the bare start of its own round).
//
//   npm run bench -- temporal-costs        (not in the default family; about 45 s per shape and round)
//
// Shapes: `start` (signalWithStart on a task queue no worker polls: the journey benchmark's bare baseline), `start +
// definition` (the same carrying a 17 KiB journey definition in its input, as Candor's ingest starts journeys),
// `task` (a worker in this process runs the first workflow task, which only sets the journey's timer), `task + local
// activity` (the smallest journey that acknowledges from its workflow: the journey benchmark's floor), `+ upsert` (a
// search-attribute upsert in that task), `+ definition` (the floor carrying the definition).
// BENCH_WORKFLOWS (1,200 per shape and round; quick 300), BENCH_RATE (30 a second, a rate the server keeps up with,
// so the worker takes each task as it comes), BENCH_ROUNDS (2). Needs the dev server on this machine (its CPU is read).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { cpuSeconds, emit, round, runScript, sleep, startBenchStack, temporalPids } from './support';
import type { ShapeInput } from './temporal-costs/workflow';

const QUICK = process.env.BENCH_QUICK === '1';
const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? (QUICK ? 300 : 1200));
const RATE = Number(process.env.BENCH_RATE ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const log = (m: string) => console.error(`[temporal-costs] ${m}`);

interface Shape {
  name: string;
  polled: boolean;
  input: ShapeInput;
}

runScript(async () => {
  const standalone = process.env.BENCH !== '1';
  const stack = standalone ? await startBenchStack(log) : undefined;
  const address = stack?.env.TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS!;
  try {
    const pids = temporalPids(address);
    if (pids.length === 0) throw new Error(`no Temporal dev server with port ${address} runs on this machine: its CPU cannot be read`);
    const serverCpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const client = new Client({ connection: await Connection.connect({ address }) });
    const taskQueue = process.env.BENCH_TASK_QUEUE ?? `temporal-costs-${Date.now().toString(36)}`;
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address }),
      taskQueue,
      workflowsPath: require.resolve('./temporal-costs/workflow'),
      activities: { async acknowledge() {} },
    });
    const running = worker.run();
    const definition = [...loadDefaultJourneys().values()][0]!.definition;
    log(`definition carried: ${JSON.stringify(definition).length} bytes of JSON`);
    const shapes: Shape[] = [
      { name: 'start', polled: false, input: { localActivity: false, upsert: false } },
      { name: 'start + definition', polled: false, input: { localActivity: false, upsert: false, definition } },
      { name: 'task', polled: true, input: { localActivity: false, upsert: false } },
      { name: 'task + local activity', polled: true, input: { localActivity: true, upsert: false } },
      { name: 'task + local activity + upsert', polled: true, input: { localActivity: true, upsert: true } },
      { name: 'task + local activity + definition', polled: true, input: { localActivity: true, upsert: false, definition } },
    ];
    const perShape = new Map<string, { ms: number[]; ratio: number[] }>(shapes.map((s) => [s.name, { ms: [], ratio: [] }]));
    const run = Date.now().toString(36);
    for (let r = 0; r < ROUNDS; r++) {
      let bare = NaN;
      for (const [i, shape] of shapes.entries()) {
        const before = serverCpu();
        const started = Date.now();
        const calls: Promise<unknown>[] = [];
        for (let n = 0; n < WORKFLOWS; n++) {
          const wait = started + (n * 1000) / RATE - Date.now();
          if (wait > 0) await sleep(wait);
          calls.push(
            client.workflow.signalWithStart('journeyShape', {
              workflowId: `${run}-${r}-${i}-${n}`,
              taskQueue: shape.polled ? taskQueue : `${taskQueue}-unpolled`,
              args: [shape.input],
              signal: 'ats-event',
              signalArgs: [{ type: 'ats.application.created' }],
              searchAttributes: { CandorTenant: ['bench'], CandorStage: ['applied'] },
            }),
          );
        }
        await Promise.all(calls);
        // The last tasks complete and the server settles before its CPU is read.
        await sleep(3000);
        const seconds = (Date.now() - started) / 1000;
        const ms = ((serverCpu() - before) * 1000) / WORKFLOWS;
        if (i === 0) bare = ms;
        perShape.get(shape.name)!.ms.push(ms);
        perShape.get(shape.name)!.ratio.push(ms / bare);
        log(`round ${r + 1}, ${shape.name}: ${round(ms, 2)} ms of Temporal's CPU per workflow (${round(((serverCpu() - before) / seconds) * 100, 0)}% of a core), ${round(ms / bare, 2)} × the bare start`);
      }
    }
    for (const shape of shapes) {
      const { ms, ratio } = perShape.get(shape.name)!;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      emit({
        figure: `Temporal CPU per workflow: ${shape.name}`,
        value: round(mean(ms), 2),
        unit: 'ms',
        goal: '',
        pass: null,
        ratio: round(mean(ratio), 2),
        baseline: round(mean(perShape.get('start')!.ms), 2),
        note: `${WORKFLOWS} workflows at ${RATE}/s per round, ${ROUNDS} rounds: ${ms.map((x) => round(x, 1)).join(', ')} ms`,
      });
    }
    worker.shutdown();
    await running;
    await client.connection.close();
  } finally {
    await stack?.stop();
  }
});
