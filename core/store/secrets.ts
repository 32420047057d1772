import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../temporal/codec';

/**
 * Secrets the store must be able to read back (ATS webhook signing secrets) are sealed with AES-256-GCM
 * under the same key ring as Temporal payloads (CANDOR_ENCRYPTION_KEYS, or the local key file): the first
 * key seals, every key opens, so rotating works the same way for both.
 *
 * The ring is process-wide rather than a parameter because the adapters' store functions keep the
 * signature `(db, tenant, provider)`; every role that opens a persistent store calls `useSecretKeys`
 * at start (main.ts). A process that never does (a test on an in-memory database) gets a random key
 * that lives exactly as long as that process and its in-memory data.
 */
let keyRing: EncryptionKey[] | undefined;
let ephemeral: EncryptionKey | undefined;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Sets the key ring secrets are sealed and opened with (the first key seals). A process-lifetime key used
 * before this call still opens what it sealed (and start-up re-seals that under the first key).
 */
export function useSecretKeys(keys: EncryptionKey[]): void {
  if (keys.length === 0) throw new Error('At least one encryption key is required');
  keyRing = ephemeral && !keys.some((k) => k.id === ephemeral!.id) ? [...keys, ephemeral] : keys;
}

function ring(): EncryptionKey[] {
  if (!keyRing) {
    ephemeral = { id: `ephemeral-${randomBytes(4).toString('hex')}`, key: randomBytes(32) };
    keyRing = [ephemeral];
  }
  return keyRing;
}

/** The id of the key new secrets are sealed with. */
export const sealingKeyId = (): string => ring()[0]!.id;

/**
 * Seals `plain` as `v1:<key id>:<base64(iv | ciphertext | tag)>`. `context` (e.g. tenant and provider) is
 * authenticated but not stored, so a sealed value copied into another row does not open there.
 */
export function sealSecret(plain: string, context: string): string {
  const { id, key } = ring()[0]!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${id}:${data.toString('base64')}`;
}

/** The key id a sealed value names (to find values sealed under an older key). */
export function sealedKeyId(sealed: string): string | undefined {
  const [version, id] = sealed.split(':');
  return version === VERSION ? id : undefined;
}

/** Opens a value `sealSecret` made with the same `context`; throws naming the key when this process lacks it. */
export function openSecret(sealed: string, context: string): string {
  const [version, id, body] = sealed.split(':');
  if (version !== VERSION || !id || !body) throw new Error('A stored secret is not in the sealed format (v1:key:data)');
  const key = ring().find((k) => k.id === id)?.key;
  if (!key) throw new Error(`A stored secret was sealed with encryption key "${id}", which this process does not have; add it to CANDOR_ENCRYPTION_KEYS`);
  const data = Buffer.from(body, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/**
 * Keys for keyed hashes (blind search tokens, content digests), one per key of the ring, derived from it
 * (HMAC-SHA256 of a fixed label), the sealing key's first: a term is hashed under every key so rows written
 * before a rotation still match, and new rows are hashed under the first.
 */
export function hashKeys(): Buffer[] {
  return ring().map(({ key }) => createHmac('sha256', key).update('candor-blind-index-v1').digest());
}
