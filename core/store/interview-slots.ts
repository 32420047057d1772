import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from './database';
import { openSecret, sealSecret } from './secrets';

/**
 * Interviews on the candidate's terms (migration 017): slots offered to applications, the one candidate who books
 * each slot, requests for another time, accessibility needs and withdrawals. The candidate's words (a note, their
 * needs) are sealed; only the recruiters' API opens them. Erasure deletes an application's rows (core/store/erasure.ts).
 */

/** A slot as the ATS or a recruiter offers it. Times are ISO-8601 with an offset. */
export interface SlotInput {
  slotId: string;
  start: string;
  end: string;
  location?: string | undefined;
  link?: string | undefined;
}

/** A slot as an application sees it: free, booked by this application, or taken by someone else. */
export interface OfferedSlot {
  slotId: string;
  interviewId: string;
  start: string;
  end: string;
  location: string | null;
  link: string | null;
  status: 'free' | 'yours' | 'taken';
}

/** A request for another time, with its note opened (recruiters only). */
export interface RescheduleRequest {
  requestId: string;
  interviewId: string;
  note: string | null;
  requestedAt: string;
}

interface SlotRow {
  slot_id: string;
  interview_id: string;
  starts_at: Date | string;
  ends_at: Date | string;
  location: string | null;
  link: string | null;
  booked_by: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const noteContext = (tenant: string, applicationId: string) => `interview-request:${tenant}:${applicationId}`;
const needsContext = (tenant: string, applicationId: string) => `accessibility-needs:${tenant}:${applicationId}`;

/** The longest note or statement of needs kept (characters); longer texts are cut. */
export const CANDIDATE_NOTE_LIMIT = 2000;

/** A slot offered twice with different times: the first offer stands, and the caller hears which. */
export class SlotConflictError extends Error {
  override name = 'SlotConflictError';
  constructor(readonly slotId: string) {
    super(`slot ${slotId} was offered before with another time`);
  }
}

/**
 * Offers slots for one interview of an application, in one transaction. A slot id the tenant used before is the same
 * slot (offered to several candidates, booked by one); offering it again with other times throws SlotConflictError.
 * Returns how many offers are new (a repeated offer changes nothing).
 */
export async function offerSlots(
  db: Queryable,
  offer: { tenant: string; applicationId: string; interviewId: string; slots: SlotInput[]; offeredBy: 'ats' | 'recruiter' },
): Promise<{ added: number }> {
  return inTransaction(db, async (tx) => {
    let added = 0;
    for (const slot of offer.slots) {
      const start = new Date(slot.start);
      const end = new Date(slot.end);
      await tx.query(
        `insert into interview_slots (tenant_id, slot_id, starts_at, ends_at, location, link, offered_by) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id, slot_id) do nothing`,
        [offer.tenant, slot.slotId, start, end, slot.location ?? null, slot.link ?? null, offer.offeredBy],
      );
      const { rows } = await tx.query<{ starts_at: Date | string; ends_at: Date | string }>('select starts_at, ends_at from interview_slots where tenant_id = $1 and slot_id = $2', [offer.tenant, slot.slotId]);
      if (new Date(rows[0]!.starts_at).getTime() !== start.getTime() || new Date(rows[0]!.ends_at).getTime() !== end.getTime()) throw new SlotConflictError(slot.slotId);
      const inserted = await tx.query(
        `insert into interview_slot_offers (tenant_id, application_id, interview_id, slot_id) values ($1, $2, $3, $4) on conflict do nothing returning 1`,
        [offer.tenant, offer.applicationId, offer.interviewId, slot.slotId],
      );
      added += inserted.rows.length;
    }
    return { added };
  });
}

/** The slots offered to an application, soonest first, each free, booked by it (`yours`) or taken by another. */
export async function offeredSlots(db: Queryable, tenant: string, applicationId: string): Promise<OfferedSlot[]> {
  const { rows } = await db.query<SlotRow>(
    `select s.slot_id, o.interview_id, s.starts_at, s.ends_at, s.location, s.link, b.application_id as booked_by
       from interview_slot_offers o
       join interview_slots s on s.tenant_id = o.tenant_id and s.slot_id = o.slot_id
       left join interview_slot_bookings b on b.tenant_id = s.tenant_id and b.slot_id = s.slot_id
      where o.tenant_id = $1 and o.application_id = $2
      order by s.starts_at, s.slot_id`,
    [tenant, applicationId],
  );
  return rows.map((r) => ({
    slotId: r.slot_id,
    interviewId: r.interview_id,
    start: iso(r.starts_at),
    end: iso(r.ends_at),
    location: r.location,
    link: r.link,
    status: r.booked_by === null ? 'free' : r.booked_by === applicationId ? 'yours' : 'taken',
  }));
}

/** What choosing a slot did. `taken`: another candidate has it (nothing changed); `past`: it has begun; `unknown`: not offered to this application. */
export type SlotChoice =
  | { status: 'booked' | 'already'; slot: OfferedSlot; previous: string | undefined }
  | { status: 'taken' | 'past' | 'unknown' };

/**
 * Books an offered slot for the application, in one transaction: the application's earlier booking for the same
 * interview is given back and the slot is inserted into interview_slot_bookings, whose primary key lets one candidate
 * have it. When another candidate got there first the insert changes nothing, the transaction rolls back (the earlier
 * booking stays) and the answer is `taken`.
 */
export async function chooseSlot(db: Queryable, choice: { tenant: string; applicationId: string; slotId: string; now: number }): Promise<SlotChoice> {
  const { tenant, applicationId, slotId } = choice;
  const lost = new Error('the slot was booked by another candidate');
  try {
    return await inTransaction(db, async (tx): Promise<SlotChoice> => {
      const { rows } = await tx.query<SlotRow>(
        `select s.slot_id, o.interview_id, s.starts_at, s.ends_at, s.location, s.link, b.application_id as booked_by
           from interview_slot_offers o
           join interview_slots s on s.tenant_id = o.tenant_id and s.slot_id = o.slot_id
           left join interview_slot_bookings b on b.tenant_id = s.tenant_id and b.slot_id = s.slot_id
          where o.tenant_id = $1 and o.application_id = $2 and o.slot_id = $3`,
        [tenant, applicationId, slotId],
      );
      const row = rows[0];
      if (!row) return { status: 'unknown' };
      const slot: OfferedSlot = { slotId, interviewId: row.interview_id, start: iso(row.starts_at), end: iso(row.ends_at), location: row.location, link: row.link, status: 'yours' };
      if (row.booked_by === applicationId) return { status: 'already', slot, previous: undefined };
      if (row.booked_by !== null) return { status: 'taken' };
      if (Date.parse(slot.start) <= choice.now) return { status: 'past' };
      const released = await tx.query<{ slot_id: string }>(
        'delete from interview_slot_bookings where tenant_id = $1 and application_id = $2 and interview_id = $3 returning slot_id',
        [tenant, applicationId, row.interview_id],
      );
      const booked = await tx.query(
        `insert into interview_slot_bookings (tenant_id, slot_id, application_id, interview_id) values ($1, $2, $3, $4)
         on conflict (tenant_id, slot_id) do nothing returning 1`,
        [tenant, slotId, applicationId, row.interview_id],
      );
      // Another candidate's transaction booked it between our read and our insert: undo the release too.
      if (booked.rows.length === 0) throw lost;
      return { status: 'booked', slot, previous: released.rows[0]?.slot_id };
    });
  } catch (error) {
    if (error === lost) return { status: 'taken' };
    throw error;
  }
}

/**
 * Records a request for another time for one interview, once per `requestKey` (a repeated post is the same request),
 * with the note sealed; gives back the application's booking for that interview in the same transaction (the time
 * does not work for the candidate, so another may take it). Returns the request and whether this call made it.
 */
export async function requestReschedule(
  db: Queryable,
  request: { tenant: string; applicationId: string; interviewId: string; requestKey: string; note: string | undefined },
): Promise<{ requestId: string; created: boolean; released: string | undefined }> {
  const { tenant, applicationId, interviewId } = request;
  return inTransaction(db, async (tx) => {
    const requestId = `r_${randomBytes(12).toString('base64url')}`;
    const note = request.note?.trim().slice(0, CANDIDATE_NOTE_LIMIT);
    const inserted = await tx.query<{ request_id: string }>(
      `insert into interview_requests (tenant_id, request_id, application_id, interview_id, request_key, note_sealed) values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, application_id, request_key) do nothing returning request_id`,
      [tenant, requestId, applicationId, interviewId, request.requestKey, note ? sealSecret(note, noteContext(tenant, applicationId)) : null],
    );
    if (!inserted.rows[0]) {
      const { rows } = await tx.query<{ request_id: string }>('select request_id from interview_requests where tenant_id = $1 and application_id = $2 and request_key = $3', [tenant, applicationId, request.requestKey]);
      return { requestId: rows[0]!.request_id, created: false, released: undefined };
    }
    const released = await tx.query<{ slot_id: string }>(
      'delete from interview_slot_bookings where tenant_id = $1 and application_id = $2 and interview_id = $3 returning slot_id',
      [tenant, applicationId, interviewId],
    );
    return { requestId, created: true, released: released.rows[0]?.slot_id };
  });
}

/** An application's requests for another time, newest first, notes opened (for the recruiters' API only). */
export async function rescheduleRequests(db: Queryable, tenant: string, applicationId: string): Promise<RescheduleRequest[]> {
  const { rows } = await db.query<{ request_id: string; interview_id: string; note_sealed: string | null; requested_at: Date | string }>(
    'select request_id, interview_id, note_sealed, requested_at from interview_requests where tenant_id = $1 and application_id = $2 order by requested_at desc, request_id',
    [tenant, applicationId],
  );
  return rows.map((r) => ({ requestId: r.request_id, interviewId: r.interview_id, note: openOrNull(r.note_sealed, noteContext(tenant, applicationId)), requestedAt: iso(r.requested_at) }));
}

/** Whether the candidate has asked for another time for an interview and no slot was booked for it since. */
export async function awaitingNewTime(db: Queryable, tenant: string, applicationId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ interview_id: string }>(
    `select distinct r.interview_id from interview_requests r
      where r.tenant_id = $1 and r.application_id = $2
        and not exists (select 1 from interview_slot_bookings b where b.tenant_id = r.tenant_id and b.application_id = r.application_id
                          and b.interview_id = r.interview_id and b.booked_at > r.requested_at)`,
    [tenant, applicationId],
  );
  return new Set(rows.map((r) => r.interview_id));
}

/** Stores (replaces) what the candidate needs to take part on equal terms, sealed; an empty text removes it. */
export async function recordAccessibilityNeeds(db: Queryable, tenant: string, applicationId: string, text: string): Promise<void> {
  const needs = text.trim().slice(0, CANDIDATE_NOTE_LIMIT);
  if (needs === '') {
    await db.query('delete from candidate_accessibility_needs where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
    return;
  }
  await db.query(
    `insert into candidate_accessibility_needs (tenant_id, application_id, sealed, updated_at) values ($1, $2, $3, now())
     on conflict (tenant_id, application_id) do update set sealed = excluded.sealed, updated_at = excluded.updated_at`,
    [tenant, applicationId, sealSecret(needs, needsContext(tenant, applicationId))],
  );
}

/** The candidate's accessibility needs, opened, or undefined (none stated, or this process lacks the key). */
export async function readAccessibilityNeeds(db: Queryable, tenant: string, applicationId: string): Promise<{ text: string; updatedAt: string } | undefined> {
  const { rows } = await db.query<{ sealed: string; updated_at: Date | string }>('select sealed, updated_at from candidate_accessibility_needs where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
  const text = rows[0] ? openOrNull(rows[0].sealed, needsContext(tenant, applicationId)) : null;
  return text === null ? undefined : { text, updatedAt: iso(rows[0]!.updated_at) };
}

/** Whether the candidate stated accessibility needs (without opening them: the page only says it has them). */
export async function hasAccessibilityNeeds(db: Queryable, tenant: string, applicationId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from candidate_accessibility_needs where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
  return rows.length > 0;
}

/** Records the candidate's withdrawal; true the first time (a repeated post finds it). */
export async function recordWithdrawal(db: Queryable, tenant: string, applicationId: string): Promise<boolean> {
  const { rows } = await db.query('insert into candidate_withdrawals (tenant_id, application_id) values ($1, $2) on conflict do nothing returning 1', [tenant, applicationId]);
  return rows.length > 0;
}

/** Whether the candidate withdrew on the status page. */
export async function hasWithdrawn(db: Queryable, tenant: string, applicationId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from candidate_withdrawals where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
  return rows.length > 0;
}

/** Deletes an application's offers, bookings (the slots become free for others), requests, needs and withdrawal (erasure). */
export async function eraseInterviewData(tx: Queryable, tenant: string, applicationIds: string[]): Promise<void> {
  for (const table of ['interview_slot_bookings', 'interview_slot_offers', 'interview_requests', 'candidate_accessibility_needs', 'candidate_withdrawals']) {
    await tx.query(`delete from ${table} where tenant_id = $1 and application_id = any($2::text[])`, [tenant, applicationIds]);
  }
}

/** Runs `fn` in a transaction when `db` is the database itself (a caller already in one passes its transaction). */
function inTransaction<T>(db: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return 'transaction' in db ? (db as Database).transaction(fn) : fn(db);
}

/** Stores the slots of an `ats.interview.slots_offered` event's data (the ingest role, before the journey hears of it). */
export async function recordOfferedSlots(
  db: Queryable,
  tenant: string,
  applicationId: string,
  data: { interview: { id: string }; slots: { id: string; start: string; end: string; location?: string | undefined; link?: string | undefined }[] },
): Promise<{ added: number }> {
  const slots = data.slots.map((s) => ({ slotId: s.id, start: s.start, end: s.end, location: s.location, link: s.link }));
  return offerSlots(db, { tenant, applicationId, interviewId: data.interview.id, slots, offeredBy: 'ats' });
}

function openOrNull(sealed: string | null, context: string): string | null {
  if (!sealed) return null;
  try {
    return openSecret(sealed, context);
  } catch {
    return null;
  }
}
