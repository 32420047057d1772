import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { WORKER_NODE_ARGS } from '../../core/temporal/workflow-code';
import { workflowBundle } from './worker';

const ROOT = join(__dirname, '..', '..');

/** The shipped English journey as a plain object, for a test to change before `writeJourneyFile`. */
export type RawJourney = { stages: { applied: { onEnter: unknown[] } } };

/**
 * Writes what a worker process needs into `dir`: `journey.yaml` (the English default journey as `edit` leaves
 * it) and `workflows.js` (the workflows bundled once, so a restarted process does not bundle again).
 */
export async function writeWorkerFiles(dir: string, edit: (journey: RawJourney) => void): Promise<{ JOURNEY_FILE: string; WORKFLOW_BUNDLE: string }> {
  const raw = parse(readFileSync(join(ROOT, 'journeys/default-en.yaml'), 'utf8')) as RawJourney;
  edit(raw);
  const files = { JOURNEY_FILE: join(dir, 'journey.yaml'), WORKFLOW_BUNDLE: join(dir, 'workflows.js') };
  writeFileSync(files.JOURNEY_FILE, stringify(raw));
  writeFileSync(files.WORKFLOW_BUNDLE, (await workflowBundle()).code);
  return files;
}

/** One Candor worker process (test/helpers/worker-process.ts), started warm; `go()` makes it poll. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** When it started polling. */
  readyAt = 0;
  private readonly seen = new Set<string>();

  /** `env`: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, JOURNEY_FILE, WORKFLOW_BUNDLE and optionally the fake providers' variables. */
  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [...WORKER_NODE_ARGS, '--import', 'tsx', join(ROOT, 'test/helpers/worker-process.ts')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.on('error', () => undefined); // a killed worker's stdin
    let buffer = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        this.seen.add(buffer.slice(0, i).trim());
        buffer = buffer.slice(i + 1);
      }
    });
  }

  /** Resolves when the process has printed `line`; rejects if it exits first. */
  until(line: string): Promise<void> {
    if (this.seen.has(line)) return Promise.resolve();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.reject(new Error(`worker exited before "${line}"`));
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.seen.has(line)) return;
        cleanup();
        resolve();
      };
      const exit = (code: number | null) => {
        cleanup();
        reject(new Error(`worker exited (${String(code)}) before "${line}"`));
      };
      const cleanup = () => {
        this.child.stdout!.off('data', check);
        this.child.off('exit', exit);
      };
      this.child.stdout!.on('data', check);
      this.child.once('exit', exit);
    });
  }

  /** Starts polling (the process is already loaded and connected). */
  async go(): Promise<void> {
    await this.until('worker warm');
    this.child.stdin!.write('go\n');
    await this.until('worker ready');
    this.readyAt = Date.now();
  }

  /** SIGKILL, as a crash would. */
  kill(): void {
    this.child.kill('SIGKILL');
  }
}
