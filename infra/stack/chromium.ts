import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { StackError } from './process';

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH overrides it. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The headless Chromium the console's browser tests drive (through playwright-core, which downloads no
 * browser of its own): CHROMIUM_PATH, else Debian's `chromium`, installing that package (and a font, so
 * screenshots have text) when running as root on a machine with apt-get, as for the test PostgreSQL.
 */
export function findChromium(log: (m: string) => void = () => undefined): string {
  const path = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (executable(path)) return path;
  if (!process.env.CHROMIUM_PATH && isRoot() && executable('/usr/bin/apt-get')) {
    log("Installing Debian's chromium package for the console's browser tests …");
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-liberation'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status === 0 && executable(path)) return path;
  }
  throw new StackError(
    `The console's browser tests need Chromium at ${path}: install Debian's \`chromium\` package, or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
  );
}
