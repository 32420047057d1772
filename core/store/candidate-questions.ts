import { randomBytes } from 'node:crypto';
import type { Queryable } from './database';

/**
 * Questions candidates put to a person and the recruiters' answers (migration 016). The texts are personal data and
 * live only here; erasure deletes an application's rows (core/store/erasure.ts).
 */

/** Where a question came from: an SMS or e-mail reply, or the status page's form. */
export type QuestionSource = 'email' | 'sms' | 'page';

/** One question as the inbox shows it. Times are ISO strings. */
export interface CandidateQuestionRow {
  questionId: string;
  applicationId: string;
  source: QuestionSource;
  text: string;
  askedAt: string;
  answerBy: string;
  recruiterName: string | null;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
}

interface Row {
  question_id: string;
  application_id: string;
  source: QuestionSource;
  body: string;
  asked_at: Date | string;
  answer_by: Date | string;
  recruiter_name: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
const toQuestion = (row: Row): CandidateQuestionRow => ({
  questionId: row.question_id,
  applicationId: row.application_id,
  source: row.source,
  text: row.body,
  askedAt: iso(row.asked_at)!,
  answerBy: iso(row.answer_by)!,
  recruiterName: row.recruiter_name,
  answer: row.answer,
  answeredBy: row.answered_by,
  answeredAt: iso(row.answered_at),
});
const COLUMNS = 'question_id, application_id, source, body, asked_at, answer_by, recruiter_name, answer, answered_by, answered_at';

/** The longest question or answer kept (characters); longer texts are cut. */
export const QUESTION_TEXT_LIMIT = 4000;

/**
 * Stores a question once per (tenant, source, sourceRef): a redelivered webhook or a repeated form post finds the first
 * one. Returns it, and whether this call created it. The id is random (no personal data), safe in workflow signals.
 */
export async function recordQuestion(
  db: Queryable,
  question: { tenant: string; applicationId: string; source: QuestionSource; sourceRef: string; text: string; askedAt: number; answerBy: number; recruiterName?: string | undefined },
): Promise<{ question: CandidateQuestionRow; created: boolean }> {
  const id = `q_${randomBytes(12).toString('base64url')}`;
  const inserted = await db.query<Row>(
    `insert into candidate_questions (tenant_id, question_id, application_id, source, source_ref, body, asked_at, answer_by, recruiter_name)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (tenant_id, source, source_ref) do nothing returning ${COLUMNS}`,
    [question.tenant, id, question.applicationId, question.source, question.sourceRef, question.text.slice(0, QUESTION_TEXT_LIMIT), new Date(question.askedAt), new Date(question.answerBy), question.recruiterName ?? null],
  );
  if (inserted.rows[0]) return { question: toQuestion(inserted.rows[0]), created: true };
  const { rows } = await db.query<Row>(`select ${COLUMNS} from candidate_questions where tenant_id = $1 and source = $2 and source_ref = $3`, [question.tenant, question.source, question.sourceRef]);
  return { question: toQuestion(rows[0]!), created: false };
}

/** One question of a tenant, or undefined. */
export async function findQuestion(db: Queryable, tenant: string, questionId: string): Promise<CandidateQuestionRow | undefined> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from candidate_questions where tenant_id = $1 and question_id = $2`, [tenant, questionId]);
  return rows[0] ? toQuestion(rows[0]) : undefined;
}

/** A tenant's questions, newest first: all, or one application's; `open` for the unanswered only. */
export async function listQuestions(db: Queryable, tenant: string, filter: { applicationId?: string | undefined; status?: 'open' | 'answered' | 'all' | undefined; limit?: number | undefined } = {}): Promise<CandidateQuestionRow[]> {
  const params: unknown[] = [tenant];
  let where = 'tenant_id = $1';
  if (filter.applicationId) {
    params.push(filter.applicationId);
    where += ` and application_id = $${params.length}`;
  }
  if (filter.status === 'open') where += ' and answered_at is null';
  if (filter.status === 'answered') where += ' and answered_at is not null';
  params.push(Math.min(Math.max(filter.limit ?? 100, 1), 500));
  const { rows } = await db.query<Row>(`select ${COLUMNS} from candidate_questions where ${where} order by asked_at desc, question_id limit $${params.length}`, params);
  return rows.map(toQuestion);
}

/**
 * Records the recruiter's answer, once: `answered` the first time, `already` when someone answered before (the first
 * answer stands and is the one sent), `unknown` for no such question.
 */
export async function answerQuestion(db: Queryable, tenant: string, questionId: string, answer: { text: string; by?: string | undefined }): Promise<{ status: 'answered' | 'already' | 'unknown'; question?: CandidateQuestionRow }> {
  const { rows } = await db.query<Row>(
    `update candidate_questions set answer = $3, answered_by = $4, answered_at = now() where tenant_id = $1 and question_id = $2 and answered_at is null returning ${COLUMNS}`,
    [tenant, questionId, answer.text.slice(0, QUESTION_TEXT_LIMIT), answer.by ?? null],
  );
  if (rows[0]) return { status: 'answered', question: toQuestion(rows[0]) };
  const existing = await findQuestion(db, tenant, questionId);
  return existing ? { status: 'already', question: existing } : { status: 'unknown' };
}

/** True the first time it is called for a question: the recruiter's e-mail about it goes once. */
export async function claimRecruiterNotification(db: Queryable, tenant: string, questionId: string): Promise<boolean> {
  const { rows } = await db.query(`update candidate_questions set recruiter_notified_at = now() where tenant_id = $1 and question_id = $2 and recruiter_notified_at is null returning 1`, [tenant, questionId]);
  return rows.length > 0;
}

/** Gives the claim back after the e-mail could not be sent, so a retry sends it. */
export async function releaseRecruiterNotification(db: Queryable, tenant: string, questionId: string): Promise<void> {
  await db.query('update candidate_questions set recruiter_notified_at = null where tenant_id = $1 and question_id = $2', [tenant, questionId]);
}

/**
 * The application a candidate's e-mail reply is about: the one this tenant last e-mailed that address (the ledger,
 * case-insensitive), or undefined.
 */
export async function lastEmailTo(db: Queryable, tenant: string, address: string): Promise<{ tenant_id: string; application_id: string } | undefined> {
  const { rows } = await db.query<{ tenant_id: string; application_id: string }>(
    `select tenant_id, application_id from message_ledger where tenant_id = $1 and channel = 'email' and lower(recipient) = $2 order by created_at desc limit 1`,
    [tenant, address.trim().toLowerCase()],
  );
  return rows[0];
}
