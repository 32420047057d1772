import type { Queryable } from './database';
import { normaliseContact } from './consent';
import { contactPseudonym } from './erasure';
import type { StatusPageFacts } from './status-tokens';

/** One application's journey as its board row holds it: what the status page reads instead of asking the workflow. */
export interface StatusBoardRow {
  journeyId: string;
  definitionVersion: string;
  status: 'open' | 'closing' | 'completed';
  outcome: string | null;
  stage: string;
  paused: boolean;
  /** Messages the journey has scheduled, soonest first (from the row's status detail; empty once completed). */
  scheduled: { template: string; purpose: string; dueAt: number }[];
  nextMessage: { template: string; dueAt: number } | null;
}

/** A message the candidate was sent (the provider took it), for the page's list. No text, no address. */
export interface SentMessage {
  template: string;
  channel: 'email' | 'sms';
  sentAt: string;
  delivered: boolean;
}

/** Everything the status page shows about one application, from the store. */
export interface StatusPageData {
  /** What the last message linking the page recorded (undefined when none did). */
  facts: StatusPageFacts | undefined;
  /** The journey's board row (undefined before its first write). */
  board: StatusBoardRow | undefined;
  /** The messages providers took, oldest first (the latest 100). */
  messages: SentMessage[];
  /** The stages the journey entered (from its store-served timeline). */
  entered: Set<string>;
  /** Per channel its messages went on: whether every address it used has opted out. */
  channels: { channel: 'email' | 'sms'; stopped: boolean }[];
  /** Whether the candidate answered the survey. */
  answered: boolean;
}

interface PageRow {
  facts: { job_id: string | null; job_title: string | null; recruiter_name: string | null; locale: string; time_zone: string } | null;
  board: {
    journey_id: string;
    definition_version: string;
    status: StatusBoardRow['status'];
    outcome: string | null;
    stage: string;
    paused: boolean;
    next_message_template: string | null;
    next_message_at: string | null;
    detail: { scheduled?: StatusBoardRow['scheduled'] } | null;
  } | null;
  messages: { template: string; channel: 'email' | 'sms'; created_at: string; status: string }[];
  entered: string[];
  contacts: { channel: 'email' | 'sms'; recipient: string }[];
  answered: boolean;
}

/** A json value as the driver hands it over (PGlite and node-postgres parse it; a string is parsed here). */
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * One application's status page from the store in one statement (page facts, board row, sent messages, stages
 * entered, addresses used, survey answered) and one more for the opt-outs of those addresses, so a page costs
 * two reads whatever the journey's length.
 */
export async function readStatusPage(db: Queryable, tenant: string, applicationId: string): Promise<StatusPageData> {
  const { rows } = await db.query<PageRow>(
    `select
       (select row_to_json(p) from (select job_id, job_title, recruiter_name, locale, time_zone from status_pages where tenant_id = $1 and application_id = $2) p) as facts,
       (select row_to_json(b) from (select journey_id, definition_version, status, outcome, stage, paused, next_message_template, next_message_at, detail
          from journey_board where tenant_id = $1 and application_id = $2) b) as board,
       (select coalesce(json_agg(m order by m.created_at, m.message_id), '[]') from (select template, channel, created_at, status, message_id from message_ledger
          where tenant_id = $1 and application_id = $2 and status in ('accepted', 'delivered') order by created_at desc, message_id desc limit 100) m) as messages,
       (select coalesce(json_agg(distinct entry->>'stage'), '[]') from journey_timeline
          where tenant_id = $1 and application_id = $2 and entry->>'type' = 'stage.entered') as entered,
       (select coalesce(json_agg(c), '[]') from (select distinct channel, recipient from message_ledger
          where tenant_id = $1 and application_id = $2 and recipient <> 'erased') c) as contacts,
       exists (select 1 from candidate_surveys where tenant_id = $1 and application_id = $2) as answered`,
    [tenant, applicationId],
  );
  const row = rows[0]!;
  const facts = parsed<PageRow['facts']>(row.facts);
  const board = parsed<PageRow['board']>(row.board);
  const contacts = parsed<PageRow['contacts']>(row.contacts);
  const detail = board ? parsed<NonNullable<PageRow['board']>['detail']>(board.detail) : null;
  return {
    facts: facts ? { jobId: facts.job_id ?? undefined, jobTitle: facts.job_title ?? undefined, recruiterName: facts.recruiter_name ?? undefined, locale: facts.locale, timeZone: facts.time_zone } : undefined,
    board: board
      ? {
          journeyId: board.journey_id,
          definitionVersion: board.definition_version,
          status: board.status,
          outcome: board.outcome,
          stage: board.stage,
          paused: board.paused,
          scheduled: [...(detail?.scheduled ?? [])].sort((a, b) => a.dueAt - b.dueAt),
          nextMessage: board.next_message_template && board.next_message_at ? { template: board.next_message_template, dueAt: Date.parse(board.next_message_at) } : null,
        }
      : undefined,
    messages: parsed<PageRow['messages']>(row.messages).map((m) => ({ template: m.template, channel: m.channel, sentAt: new Date(m.created_at).toISOString(), delivered: m.status === 'delivered' })),
    entered: new Set(parsed<string[]>(row.entered)),
    channels: await channelsStopped(db, tenant, contacts),
    answered: row.answered === true,
  };
}

/** Per channel used: whether every address has opted out (in either stored form: the address or its pseudonym). */
async function channelsStopped(db: Queryable, tenant: string, contacts: { channel: 'email' | 'sms'; recipient: string }[]): Promise<StatusPageData['channels']> {
  if (contacts.length === 0) return [];
  const forms = await Promise.all(contacts.map(async (c) => ({ ...c, forms: [normaliseContact(c.channel, c.recipient), await contactPseudonym(db, tenant, c.channel, c.recipient)] })));
  const { rows } = await db.query<{ channel: string; contact: string }>('select channel, contact from consent_opt_outs where tenant_id = $1 and contact = any($2::text[])', [tenant, forms.flatMap((f) => f.forms)]);
  const out = new Set(rows.map((r) => `${r.channel}:${r.contact}`));
  return (['email', 'sms'] as const).flatMap((channel) => {
    const used = forms.filter((f) => f.channel === channel);
    return used.length === 0 ? [] : [{ channel, stopped: used.every((f) => f.forms.some((form) => out.has(`${channel}:${form}`))) }];
  });
}

/** The addresses an application's messages went to on a channel (never shown; what "stop" opts out). */
export async function contactsOf(db: Queryable, tenant: string, applicationId: string, channel: 'email' | 'sms'): Promise<string[]> {
  const { rows } = await db.query<{ recipient: string }>(
    `select distinct recipient from message_ledger where tenant_id = $1 and application_id = $2 and channel = $3 and recipient <> 'erased'`,
    [tenant, applicationId, channel],
  );
  return rows.map((r) => r.recipient);
}
