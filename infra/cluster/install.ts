import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { findOnPath, LOCAL_DIR, StackError } from '../stack';

/**
 * The Temporal server the cluster runs, built from source with `go install`. v1.32.0 is the last release
 * whose go.mod accepts the Go 1.26 toolchain of this project's machines (v1.32.1 and later ask for a newer
 * Go); README "Cluster" says the same.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
const MODULE = 'go.temporal.io/server';

/** The server and its SQL schema tool, as `go install` leaves them in `.local/temporal-server-<version>/`. */
export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  source: string;
}

/** Options of {@link resolveTemporalServer}. */
export interface ResolveOptions {
  /**
   * Build at the lowest CPU priority (nice 19), for a build that runs beside other work that should come first
   * (`npm test` runs the other projects meanwhile): on an otherwise idle machine it is as fast as without.
   */
  background?: boolean;
}

/** Runs `go install` of both commands into `bin` (a staging folder, renamed when both built). */
function goInstall(go: string, bin: string, log: (m: string) => void, options: ResolveOptions): Promise<void> {
  const staging = `${bin}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} with go install into ${bin} (about 10 minutes on 2 cores the first time; later builds come from Go's cache) …`);
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(go, ['install', `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, GOBIN: staging, GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The compiler processes go starts inherit its priority (set before it starts them: it resolves modules first).
    if (options.background && child.pid !== undefined) {
      try {
        setPriority(child.pid, 19);
      } catch {
        // Not permitted here: the build runs at normal priority, only slower for the work beside it.
      }
    }
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new StackError(`go install of the Temporal server failed (exit ${String(code)}):\n${output.trim().split('\n').slice(-15).join('\n')}`));
      rmSync(bin, { recursive: true, force: true });
      renameSync(staging, bin);
      resolve();
    });
  });
}

/**
 * The Temporal server and SQL tool: $TEMPORAL_SERVER_BIN (a folder with `server` and `sql`), the cached
 * build in `.local/`, or a fresh `go install` from the Go module proxy (needs Go 1.26 on PATH).
 */
export async function resolveTemporalServer(log: (m: string) => void = () => undefined, options: ResolveOptions = {}): Promise<TemporalServerBinaries> {
  const fromEnv = process.env.TEMPORAL_SERVER_BIN;
  const dir = fromEnv ?? join(LOCAL_DIR, `temporal-server-${TEMPORAL_SERVER_VERSION.slice(1)}`);
  const found = { server: join(dir, 'server'), sqlTool: join(dir, 'sql') };
  if (existsSync(found.server) && existsSync(found.sqlTool)) return { ...found, source: fromEnv ? 'TEMPORAL_SERVER_BIN' : `go install ${TEMPORAL_SERVER_VERSION} (cached)` };
  if (fromEnv) throw new StackError(`TEMPORAL_SERVER_BIN is ${fromEnv}, but it holds no \`server\` and \`sql\` binaries.`);
  // Go on PATH, the one this project's machines have in /usr/local/go, or the toolchain .ci/run fetched into .local/.
  const go = findOnPath('go') ?? ['/usr/local/go/bin/go', join(LOCAL_DIR, 'go-1.26.8', 'bin', 'go')].find((p) => existsSync(p));
  if (!go) throw new StackError('The cluster builds the Temporal server from source: install Go 1.26 (https://go.dev/dl/; `.ci/run` fetches it as a module from the Go module proxy into .local/go-1.26.8) and run again.');
  await goInstall(go, dir, log, options);
  return { ...found, source: `go install ${TEMPORAL_SERVER_VERSION}` };
}
