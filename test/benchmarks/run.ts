// `npm run bench [-- [--quick] name …]`: the benchmark family in one run, one table, one JSON file.
//
// The runner starts one private stack (Temporal dev server in memory, Kafka, PostgreSQL) on bench ports
// (27233, 29092, 25432 …; BENCH_PORT_OFFSET shifts them; TEMPORAL_ADDRESS + KAFKA_BROKERS use running
// servers instead, BENCH_POSTGRES_ADMIN_URL a running PostgreSQL), then runs each script of SCRIPTS that
// exists (or only those named on the command line), one after another, each as its own process:
//   node --import tsx test/benchmarks/<name>.ts
//
// Protocol between the runner and a script:
// - Environment given: BENCH=1, TEMPORAL_ADDRESS, KAFKA_BROKERS (topics of the contract exist),
//   BENCH_POSTGRES_ADMIN_URL (create your own database with it; support.ts createBenchDatabase),
//   BENCH_DATA_DIR (a fresh directory for you: CANDOR_DATA_DIR of the roles you start), BENCH_HTTP_PORT
//   (it and the next 9 ports are yours), BENCH_TASK_QUEUE (yours), BENCH_QUICK=1 when asked for a short run.
//   A script starts the Candor roles it needs itself (support.ts startRole: services/main.ts with
//   CANDOR_ROLE) and stops them before it exits. `ats.events` is the script's while it runs (one at a time).
// - Output: each figure is one stdout line `BENCH {json}` with the fields of BenchRow (support.ts):
//   figure, value (number|null), unit, goal (text), pass (boolean|null), ratio (value ÷ the bare-Temporal
//   baseline measured in the same run, or null), baseline, and optional bottleneck and note. Every other
//   line is progress and is passed through. Exit 0 = the measurement ran (goals may be missed); anything
//   else = the benchmark broke, shown as a failed row.
// The table goes to stdout and, with every row, to bench-results/latest.json (git-ignored).
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../infra/stack';
import { BENCH_PREFIX, benchPorts, startBenchStack, type BenchRow } from './support';

/** The family, in the order they run. */
const SCRIPTS = ['journeys', 'publish', 'timeline', 'outbox-readers', 'analytics'];

interface Row extends BenchRow {
  script: string;
}

const say = (m: string) => console.log(m);

function runScript(name: string, env: NodeJS.ProcessEnv, rows: Row[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'benchmarks', `${name}.ts`)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onLine = (stream: 'out' | 'err') => (line: string) => {
      if (stream === 'out' && line.startsWith(BENCH_PREFIX)) {
        try {
          const row = JSON.parse(line.slice(BENCH_PREFIX.length)) as BenchRow;
          rows.push({ script: name, ...row });
          say(`  ${name}: ${row.figure}: ${row.value ?? '—'} ${row.unit}${row.ratio !== null && row.ratio !== undefined ? ` (ratio ${row.ratio})` : ''}`);
          return;
        } catch {
          // not ours: print it as it is
        }
      }
      say(`  ${name}| ${line}`);
    };
    createInterface({ input: child.stdout }).on('line', onLine('out'));
    createInterface({ input: child.stderr }).on('line', onLine('err'));
    const forward = () => child.kill('SIGTERM');
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const cell = (v: number | string | null | undefined) => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '—' : String(v));

function table(rows: Row[]): string {
  const header = ['figure', 'value', 'goal', 'ratio to bare', 'met'];
  const lines = rows.map((r) => [r.figure, `${cell(r.value)} ${r.value === null ? '' : r.unit}`.trim(), r.goal, cell(r.ratio), r.pass === null ? '' : r.pass ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => `| ${cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // --quick: every script scales its sizes down (BENCH_QUICK=1), for a first try or a check that the family runs.
  if (args.includes('--quick')) process.env.BENCH_QUICK = '1';
  // --cluster: the scaling benchmark on the production shape (test/benchmarks/cluster.ts), as the README names it.
  const wanted = args.filter((a) => a !== '--quick').map((a) => (a === '--cluster' ? 'cluster' : a));
  const scripts = (wanted.length ? wanted : SCRIPTS).filter((name) => {
    const present = existsSync(join(ROOT, 'test', 'benchmarks', `${name}.ts`));
    if (!present) say(`(${name}.ts is not there: skipped)`);
    return present;
  });
  const started = Date.now();
  // The code under test is the working tree when the roles start: name its commit, and say if it had local changes.
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += ' + local changes';
  } catch {
    // not a git checkout
  }
  say('Starting the bench stack (Temporal dev server, Kafka, PostgreSQL) …');
  const stack = await startBenchStack(say);
  const rows: Row[] = [];
  const ports = benchPorts();
  try {
    for (const [index, name] of scripts.entries()) {
      say(`\n== ${name} ==`);
      const dataDir = join(stack.dir, 'scripts', name);
      mkdirSync(dataDir, { recursive: true });
      const code = await runScript(
        name,
        {
          ...process.env,
          ...stack.env,
          BENCH: '1',
          BENCH_DATA_DIR: dataDir,
          BENCH_HTTP_PORT: String(ports.http + index * 10),
          BENCH_TASK_QUEUE: `bench-${name}-${Date.now().toString(36)}`,
        },
        rows,
      );
      if (code !== 0) rows.push({ script: name, figure: `${name}: failed (exit ${code})`, value: null, unit: '', goal: '', pass: false, ratio: null, baseline: null });
    }
  } finally {
    say('\nStopping the bench stack …');
    await stack.stop();
  }
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  const result = { date: new Date().toISOString(), machine, commit, durationS: Math.round((Date.now() - started) / 1000), env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))), rows };
  const outDir = join(ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  say(`\nCandor benchmarks, ${result.date.slice(0, 16).replace('T', ' ')} UTC, commit ${commit}, ${machine}, ${result.durationS} s\n`);
  say(table(rows));
  const notes = rows.filter((r) => r.bottleneck || r.note);
  if (notes.length) say(`\n${notes.map((r) => `- ${r.figure}: ${[r.note, r.bottleneck].filter(Boolean).join('; ')}`).join('\n')}`);
  say(`\nWritten to ${join('bench-results', 'latest.json')}.`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
