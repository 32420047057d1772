import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Flags that let Chromium run headless in a container without a sandbox, GPU or a large /dev/shm. */
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];

/** Where browser tests leave their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/**
 * Launches the machine's Chromium (CHROMIUM_PATH, set by `npm test`, which installs Debian's `chromium` when
 * missing; default /usr/bin/chromium) through playwright-core, which brings no browser of its own.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: run the suite through \`npm test\` (it installs Debian's chromium as root) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Waits until `locator` is visible, calling `refresh` (reload, a filter button, …) each time it is not yet:
 * polling the page itself, for content that appears only after the system behind it has done its work.
 */
export async function untilVisible(locator: Locator, refresh: () => Promise<unknown>, timeoutMs = 60_000, everyMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: Math.max(1, Math.min(everyMs, deadline - Date.now())) });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await refresh();
  }
}
