import { createHmac } from 'node:crypto';
import type { Queryable } from './database';
import { hashKeys, openSecret, sealSecret } from './secrets';

/**
 * Who and what an application is about, as the recruiters' board shows it: personal data, so the store holds it
 * sealed under the key ring of the workflow payloads (see migration 014 and README "Names on the board").
 */
export interface ApplicationPeople {
  candidateName?: string | undefined;
  jobTitle?: string | undefined;
  jobId?: string | undefined;
  /** The application's page in the ATS, when the adapter knows it. */
  atsUrl?: string | undefined;
  /** The recruiter named on the application: alerts go to them, in their language. */
  recruiter?: { name: string; email: string; locale?: string | undefined } | undefined;
}

/** The slice of an ATS event's data this module reads (core/events/schemas.ts). */
export interface PeopleEventData {
  application?: { jobId?: string | undefined; jobTitle?: string | undefined; url?: string | undefined } | undefined;
  candidate?: { firstName?: string | undefined; lastName?: string | undefined } | undefined;
  recruiter?: { name: string; email: string; locale?: string | undefined } | undefined;
}

/** What one event says about the application's people (only what it carries; the rest stays as stored). */
export function peopleFromEvent(data: PeopleEventData): ApplicationPeople {
  const name = [data.candidate?.firstName, data.candidate?.lastName].filter(Boolean).join(' ').trim();
  const found: ApplicationPeople = {};
  if (name) found.candidateName = name;
  if (data.application?.jobTitle) found.jobTitle = data.application.jobTitle;
  if (data.application?.jobId) found.jobId = data.application.jobId;
  if (data.application?.url) found.atsUrl = data.application.url;
  if (data.recruiter) found.recruiter = { name: data.recruiter.name, email: data.recruiter.email, ...(data.recruiter.locale ? { locale: data.recruiter.locale } : {}) };
  return found;
}

/** Binds a sealed value to its row, so one copied into another tenant's or application's row does not open. */
const context = (tenant: string, applicationId: string) => `application-people:${tenant}:${applicationId}`;

const MIN_PREFIX = 2;
const MAX_PREFIX = 20;

/** The lower-cased words of a text without diacritics ("Zoë O'Brien" -> zoe, o, brien). */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const token = (key: Buffer, term: string) => createHmac('sha256', key).update(`w:${term}`).digest('base64url').slice(0, 16);

/** The stored tokens of a row: every prefix (2 to 20 characters) of every word, hashed under the sealing key. */
function rowTokens(people: ApplicationPeople): string[] {
  const key = hashKeys()[0]!;
  const terms = new Set<string>();
  for (const word of searchWords(`${people.candidateName ?? ''} ${people.jobTitle ?? ''}`)) {
    for (let n = MIN_PREFIX; n <= Math.min(word.length, MAX_PREFIX); n++) terms.add(word.slice(0, n));
  }
  return [...terms].map((term) => token(key, term)).sort();
}

/**
 * The tokens one search word matches, under every key of the ring (rows hashed before a rotation still match);
 * undefined for a word too short to search by (one character).
 */
export function wordTokens(word: string): string[] | undefined {
  if (word.length < MIN_PREFIX) return undefined;
  const term = word.slice(0, MAX_PREFIX);
  return hashKeys().map((key) => token(key, term));
}

const digestOf = (tenant: string, applicationId: string, people: ApplicationPeople) =>
  createHmac('sha256', hashKeys()[0]!).update(JSON.stringify([context(tenant, applicationId), people])).digest('base64url');

/** Opens a row's sealed content; undefined when this process lacks its key (the board then shows ids only). */
export function openPeople(tenant: string, applicationId: string, sealed: string | null | undefined): ApplicationPeople | undefined {
  if (!sealed) return undefined;
  try {
    return JSON.parse(openSecret(sealed, context(tenant, applicationId))) as ApplicationPeople;
  } catch {
    return undefined;
  }
}

/**
 * Merges what an event says into the application's stored people (a field the event lacks keeps its value) and
 * writes the row sealed, with fresh search tokens, unless nothing changed (the digest matches). One application's
 * events arrive in order in the ingest role, which records them through admitApplicationEvent.
 */
export async function recordApplicationPeople(db: Queryable, tenant: string, applicationId: string, update: ApplicationPeople): Promise<boolean> {
  if (Object.keys(update).length === 0) return false;
  const { rows } = await db.query<StoredPeople>('select sealed, digest from application_people where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
  return writePeople(db, tenant, applicationId, update, rows[0]);
}

/**
 * What ingest does with each arriving event's people, in one read: nothing when the application's candidate was
 * erased (listed in erased_applications: the event is refused, and its names must not come back), else
 * recordApplicationPeople's merge, written only when something changed. `likelyNew` (a new application's first
 * event): first try to write the row in the same statement as the erasure check, which does nothing when a row exists.
 */
export async function admitApplicationEvent(
  db: Queryable,
  tenant: string,
  applicationId: string,
  update: ApplicationPeople,
  options: { likelyNew?: boolean } = {},
): Promise<'erased' | 'recorded' | 'unchanged'> {
  // A new application's first event usually finds no row: one statement writes it unless the application was erased
  // or a row is there (a redelivered event, events out of order), and only then is the row read and merged.
  if (options.likelyNew && Object.keys(update).length > 0) {
    const fresh = canonicalPeople(update);
    const { rows: [first] } = await db.query<{ erased: boolean; inserted: boolean }>(
      `with gone as (select exists (select 1 from erased_applications e where e.tenant_id = $1 and e.application_id = $2) as erased),
       added as (
         insert into application_people (tenant_id, application_id, sealed, search_tokens, digest, updated_at)
         select $1, $2, $3, $4::text[], $5, now() from gone where not gone.erased
         on conflict (tenant_id, application_id) do nothing
         returning 1
       )
       select (select erased from gone) as erased, exists (select 1 from added) as inserted`,
      [tenant, applicationId, sealSecret(JSON.stringify(fresh), context(tenant, applicationId)), rowTokens(fresh), digestOf(tenant, applicationId, fresh)],
    );
    if (first?.erased) return 'erased';
    if (first?.inserted) return 'recorded';
  }
  const { rows } = await db.query<{ erased: boolean; sealed: string | null; digest: string | null }>(
    `select exists (select 1 from erased_applications e where e.tenant_id = $1 and e.application_id = $2) as erased, p.sealed, p.digest
       from (select 1) as one left join application_people p on p.tenant_id = $1 and p.application_id = $2`,
    [tenant, applicationId],
  );
  const row = rows[0];
  if (row?.erased) return 'erased';
  if (Object.keys(update).length === 0) return 'unchanged';
  // Both columns are not null: null here means the left join found no stored row.
  const stored = row?.sealed && row.digest ? { sealed: row.sealed, digest: row.digest } : undefined;
  return (await writePeople(db, tenant, applicationId, update, stored)) ? 'recorded' : 'unchanged';
}

/** Sorted keys, so the digest of the same content is the same whatever order fields arrived in. */
const canonicalPeople = (people: ApplicationPeople): ApplicationPeople =>
  Object.fromEntries(Object.entries(people).sort(([a], [b]) => a.localeCompare(b)));

interface StoredPeople {
  sealed: string;
  digest: string;
}

async function writePeople(db: Queryable, tenant: string, applicationId: string, update: ApplicationPeople, row: StoredPeople | undefined): Promise<boolean> {
  const stored = row ? openPeople(tenant, applicationId, row.sealed) : undefined;
  const canonical = canonicalPeople({ ...stored, ...update });
  const digest = digestOf(tenant, applicationId, canonical);
  if (row?.digest === digest) return false;
  await db.query(
    `insert into application_people (tenant_id, application_id, sealed, search_tokens, digest, updated_at) values ($1, $2, $3, $4::text[], $5, now())
     on conflict (tenant_id, application_id) do update set sealed = excluded.sealed, search_tokens = excluded.search_tokens, digest = excluded.digest, updated_at = excluded.updated_at`,
    [tenant, applicationId, sealSecret(JSON.stringify(canonical), context(tenant, applicationId)), rowTokens(canonical), digest],
  );
  return true;
}

/** The people of some applications of a tenant, opened (for the api role, after authenticating the tenant). */
export async function readApplicationPeople(db: Queryable, tenant: string, applicationIds: string[]): Promise<Map<string, ApplicationPeople>> {
  const found = new Map<string, ApplicationPeople>();
  if (applicationIds.length === 0) return found;
  const { rows } = await db.query<{ application_id: string; sealed: string }>(
    'select application_id, sealed from application_people where tenant_id = $1 and application_id = any($2::text[])',
    [tenant, applicationIds],
  );
  for (const row of rows) {
    const people = openPeople(tenant, row.application_id, row.sealed);
    if (people) found.set(row.application_id, people);
  }
  return found;
}

/**
 * Seals every row again under the first key of the ring (after a rotation puts a new key first): rows sealed or
 * hashed under an older key are rewritten, so the older key can later be dropped. Returns how many were rewritten.
 */
export async function resealApplicationPeople(db: Queryable, sealingKeyId: string): Promise<number> {
  const { rows } = await db.query<{ tenant_id: string; application_id: string; sealed: string }>(
    `select tenant_id, application_id, sealed from application_people where split_part(sealed, ':', 2) <> $1`,
    [sealingKeyId],
  );
  let n = 0;
  for (const row of rows) {
    const people = openPeople(row.tenant_id, row.application_id, row.sealed);
    if (!people) continue;
    await db.query(
      'update application_people set sealed = $3, search_tokens = $4::text[], digest = $5 where tenant_id = $1 and application_id = $2',
      [row.tenant_id, row.application_id, sealSecret(JSON.stringify(people), context(row.tenant_id, row.application_id)), rowTokens(people), digestOf(row.tenant_id, row.application_id, people)],
    );
    n++;
  }
  return n;
}
