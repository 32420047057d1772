import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database';
import { addApiKey, ensureTenant, generateApiKey, setTenantBranding, tenantExists, tenantForApiKey } from './tenants';

/** The company the demo tenant's messages name (its display name when `npm start` creates it). */
export const DEMO_DISPLAY_NAME = 'Acme';

/** The demo tenant and where its key came from, for the startup summary. */
export interface DemoTenant {
  tenantId: 'demo';
  apiKey: string;
  source: 'CANDOR_DEMO_API_KEY' | 'generated' | 'generated earlier';
}

/**
 * Creates the `demo` tenant with an API key: CANDOR_DEMO_API_KEY when set, else a generated key.
 * The database keeps only hashes, so a generated key is also kept in `<dataDir>/demo-api-key`
 * (mode 0600, local use only) to be printed again on the next start.
 */
export async function ensureDemoTenant(db: Database, options: { apiKey: string | undefined; dataDir: string }): Promise<DemoTenant> {
  const created = !(await tenantExists(db, 'demo'));
  await ensureTenant(db, { id: 'demo', name: 'Demo tenant' });
  // Candidates read a company, not "Demo tenant"; set once, so an operator's own choice stays.
  if (created) await setTenantBranding(db, 'demo', { displayName: DEMO_DISPLAY_NAME });
  if (options.apiKey) {
    await addApiKey(db, 'demo', options.apiKey, 'CANDOR_DEMO_API_KEY');
    return { tenantId: 'demo', apiKey: options.apiKey, source: 'CANDOR_DEMO_API_KEY' };
  }
  const file = join(options.dataDir, 'demo-api-key');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if ((await tenantForApiKey(db, saved))?.id === 'demo') return { tenantId: 'demo', apiKey: saved, source: 'generated earlier' };
  }
  const apiKey = generateApiKey();
  await addApiKey(db, 'demo', apiKey, 'generated demo key');
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(file, `${apiKey}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { tenantId: 'demo', apiKey, source: 'generated' };
}
