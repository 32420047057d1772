import { randomBytes } from 'node:crypto';
import type { Queryable } from './database';

const cache = new WeakMap<Queryable, Map<string, Promise<Buffer>>>();

/**
 * A random 256-bit key of this database, named `name` in signing_keys, made on first use (the first writer wins, so
 * every process on the database derives the same values). Kept per database handle; a failed read is tried again.
 */
export function databaseKey(db: Queryable, name: string): Promise<Buffer> {
  let keys = cache.get(db);
  if (!keys) {
    keys = new Map<string, Promise<Buffer>>();
    cache.set(db, keys);
  }
  let key = keys.get(name);
  if (!key) {
    key = (async () => {
      await db.query('insert into signing_keys (name, secret) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(32).toString('base64')]);
      const { rows } = await db.query<{ secret: string }>('select secret from signing_keys where name = $1', [name]);
      return Buffer.from(rows[0]!.secret, 'base64');
    })();
    keys.set(name, key);
    key.catch(() => keys.delete(name));
  }
  return key;
}
