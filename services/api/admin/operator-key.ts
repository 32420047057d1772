import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Operator keys start with `cndadm_`, tenant keys with `cnd_`: a key read in a config file says which it is. */
export const ADMIN_KEY_PREFIX = 'cndadm_';

/** A fresh operator key: `cndadm_` and 43 characters of base64url randomness (256 bits). */
export function generateAdminKey(): string {
  return ADMIN_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Where `npm start` keeps a generated operator key (mode 0600, local use only). */
export const localAdminKeyFile = (dataDir: string): string => join(dataDir, 'admin-key');

/** The operator key `npm start` generated earlier under `dataDir`, if any. */
export function readLocalAdminKey(dataDir: string): string | undefined {
  const file = localAdminKeyFile(dataDir);
  if (!existsSync(file)) return undefined;
  const key = readFileSync(file, 'utf8').trim();
  return key.length > 0 ? key : undefined;
}

/**
 * The operator key for a local run without CANDOR_ADMIN_KEY: the one kept in `<dataDir>/admin-key`, else a
 * new one written there. Only `npm start` calls this; a production api role without CANDOR_ADMIN_KEY
 * keeps the admin API off.
 */
export function ensureLocalAdminKey(dataDir: string): { key: string; source: 'generated' | 'generated earlier' } {
  const saved = readLocalAdminKey(dataDir);
  if (saved) return { key: saved, source: 'generated earlier' };
  const key = generateAdminKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(localAdminKeyFile(dataDir), `${key}\n`, { mode: 0o600 });
  chmodSync(localAdminKeyFile(dataDir), 0o600);
  return { key, source: 'generated' };
}

/**
 * Whether `presented` is the operator key, in constant time: both sides are hashed first, so neither the
 * content nor the length of the real key shows in how long a wrong guess takes.
 */
export function isAdminKey(expected: string, presented: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}
