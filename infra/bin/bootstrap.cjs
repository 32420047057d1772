#!/usr/bin/env node
// `npm start` and `npm test` land here first. Plain Node with no dependencies: it installs the npm
// dependencies when they are missing or older than package-lock.json, then hands over to the
// TypeScript entry (infra/start.ts or infra/test.ts) through tsx.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: bootstrap.cjs <infra/start.ts|infra/test.ts> [args…]');
  process.exit(2);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Candor needs Node.js 20 or newer; this is ${process.version}. Install Node.js 20 and run again.`);
  process.exit(1);
}

const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('Installing npm dependencies (npm ci) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    // Once, on 2026-11-30, esbuild's install script failed in a fresh clone and passed on the next try (it ran its
    // native binary with node); an install that fails for a real reason fails again.
    console.error('npm ci failed; trying once more from an empty node_modules …');
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  }
  if (result.status !== 0) {
    console.error('npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

// Ctrl-C in a terminal reaches the child directly (same process group), so SIGINT is only
// absorbed here; a SIGTERM sent to this process alone (`kill`) is forwarded. Either way we wait
// for the child to finish cleaning up before exiting with its code.
// The preload turns off the Temporal SDK's per-promise stack traces in workflow threads (see the file; it is
// WORKER_NODE_ARGS in core/temporal/workflow-code.ts, spelled out here because this file has no dependencies).
const preload = join(root, 'core', 'temporal', 'workflow-thread-preload.cjs');
const child = spawn(process.execPath, ['--require', preload, '--import', 'tsx', join(root, target), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  if (child.exitCode === null) child.kill('SIGTERM');
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
