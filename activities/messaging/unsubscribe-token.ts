import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../services/store';

/** Who an unsubscribe link is for: a tenant's candidate on one channel, and the journey to tell. */
export interface UnsubscribeSubject {
  tenant: string;
  applicationId: string;
  channel: 'email' | 'sms';
  contact: string;
}

const KEY_NAME = 'unsubscribe';

// The key never changes once created, so each process reads it once per database.
const cache = new WeakMap<Queryable, Promise<Buffer>>();

/** The unsubscribe-link key, created once (random 256 bits) and shared by every role through the database. */
export function unsubscribeKey(db: Queryable): Promise<Buffer> {
  let key = cache.get(db);
  if (!key) {
    key = loadKey(db);
    cache.set(db, key);
    key.catch(() => cache.delete(db));
  }
  return key;
}

async function loadKey(db: Queryable): Promise<Buffer> {
  await db.query('insert into signing_keys (name, secret) values ($1, $2) on conflict (name) do nothing', [KEY_NAME, randomBytes(32).toString('base64')]);
  const row = await db.query<{ secret: string }>('select secret from signing_keys where name = $1', [KEY_NAME]);
  return Buffer.from(row.rows[0]!.secret, 'base64');
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** A signed token naming the subject; the link carries it, so unsubscribing needs no login. */
export function createUnsubscribeToken(key: Buffer, subject: UnsubscribeSubject): string {
  const payload = Buffer.from(JSON.stringify([subject.tenant, subject.applicationId, subject.channel, subject.contact])).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/** The subject of a token whose signature is valid, else undefined. */
export function verifyUnsubscribeToken(key: Buffer, token: string): UnsubscribeSubject | undefined {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return undefined;
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const [tenant, applicationId, channel, contact] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as string[];
    if (!tenant || !applicationId || (channel !== 'email' && channel !== 'sms') || !contact) return undefined;
    return { tenant, applicationId, channel, contact };
  } catch {
    return undefined;
  }
}
