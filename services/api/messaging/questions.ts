import { defaultJourneyFor, loadDefaultJourneys, type VersionedDefinition } from '../../../core/journeys/default-journeys';
import { formatWhen, systemTexts } from '../../../core/messaging/system-texts';
import type { Queryable } from '../../../core/store';
import { recordQuestion, type CandidateQuestionRow, type QuestionSource } from '../../../core/store/candidate-questions';
import { getVersion } from '../../../core/store/journeys';
import { tenantName } from '../../../core/store/tenants';
import { answerDueAt } from '../../../workflows/engine/questions';
import type { JourneyDefinition } from '../../../workflows/engine/definition';
import type { JourneySignals } from './journey-signals';

/** What taking in a question needs: the store, the journeys to tell, and the shipped journeys (their calendars). */
export interface QuestionIntakeDeps {
  db: Queryable;
  journeys?: Pick<JourneySignals, 'question'> | undefined;
  /** The shipped default journeys; loaded from journeys/ on first use unless given. */
  shipped?: (() => Map<string, VersionedDefinition>) | undefined;
  now?: (() => number) | undefined;
  /** Where to report a journey that could not be told (ids only). */
  warn?: ((message: string) => void) | undefined;
}

/** A question taken in, and what the candidate is told at once. */
export interface ReceivedQuestion {
  question: CandidateQuestionRow;
  /** False for a redelivered webhook or a repeated post: the first one is returned and nobody is told again. */
  created: boolean;
  /** "Grace Hopper has it and will answer by tuesday 2 december 16:00", in the candidate's language and zone. */
  acknowledgement: string;
  locale: string;
}

interface ApplicationFacts {
  journey_id: string | null;
  definition_version: string | null;
  board_locale: string | null;
  board_zone: string | null;
  recruiter_name: string | null;
  page_locale: string | null;
  page_zone: string | null;
  ledger_locale: string | null;
}

let shippedJourneys: Map<string, VersionedDefinition> | undefined;
const loadShipped = () => (shippedJourneys ??= loadDefaultJourneys());

/** The definition the application's journey runs (a published version, else the shipped one), for its calendar. */
async function definitionOf(db: Queryable, shipped: Map<string, VersionedDefinition>, tenant: string, facts: ApplicationFacts, locale: string): Promise<JourneyDefinition> {
  const published = facts.definition_version ? /@v(\d+)$/.exec(facts.definition_version) : null;
  if (published && facts.journey_id) {
    const version = await getVersion(db, tenant, facts.journey_id, Number(published[1]));
    if (version) return version.definition;
  }
  const defaults = [...shipped.values()];
  return (defaults.find((d) => d.version === facts.definition_version) ?? defaults.find((d) => d.definition.id === facts.journey_id) ?? defaultJourneyFor(shipped, locale)).definition;
}

/**
 * Takes in a candidate's question (an SMS or e-mail reply that is no keyword, or the status page's form): stores the
 * text (once per source reference), works out by when the recruiter owes an answer (the journey's `answerWithin`
 * business hours), tells the journey (which e-mails the recruiter, tracks "waiting for the recruiter" and alerts when
 * it passes) and returns what the candidate is told at once: who has it and by when.
 */
export async function receiveQuestion(
  deps: QuestionIntakeDeps,
  asked: { tenant: string; applicationId: string; source: QuestionSource; sourceRef: string; text: string },
): Promise<ReceivedQuestion> {
  const { db } = deps;
  const { rows } = await db.query<ApplicationFacts>(
    `select b.journey_id, b.definition_version, b.locale as board_locale, b.time_zone as board_zone,
            p.recruiter_name, p.locale as page_locale, p.time_zone as page_zone,
            (select locale from message_ledger where tenant_id = $1 and application_id = $2 order by created_at desc limit 1) as ledger_locale
       from (select 1) one
       left join journey_board b on b.tenant_id = $1 and b.application_id = $2
       left join status_pages p on p.tenant_id = $1 and p.application_id = $2`,
    [asked.tenant, asked.applicationId],
  );
  const facts = rows[0]!;
  const locale = facts.page_locale ?? facts.board_locale ?? facts.ledger_locale ?? 'en';
  const definition = await definitionOf(db, (deps.shipped ?? loadShipped)(), asked.tenant, facts, locale);
  const timeZone = facts.page_zone ?? facts.board_zone ?? definition.defaultTimeZone;
  const askedAt = deps.now?.() ?? Date.now();
  const { question, created } = await recordQuestion(db, {
    ...asked,
    askedAt,
    answerBy: answerDueAt(definition, askedAt),
    recruiterName: facts.recruiter_name ?? undefined,
  });
  if (created && deps.journeys?.question) {
    await deps.journeys
      .question(asked.tenant, asked.applicationId, { questionId: question.questionId, source: question.source, answerBy: Date.parse(question.answerBy) })
      .catch(() => deps.warn?.(`could not tell the journey of ${asked.tenant}/${asked.applicationId} about a question`));
  }
  const words = systemTexts(locale);
  const who = question.recruiterName ?? words.recruitingTeam(await tenantName(db, asked.tenant));
  return { question, created, acknowledgement: words.questionReceived(who, formatWhen(Date.parse(question.answerBy), locale, timeZone)), locale };
}
