import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { loadDefaultJourneys, type VersionedDefinition } from '../../core/journeys/default-journeys';
import { pickLocale } from '../../core/messaging/locale-chain';
import type { Queryable } from '../../core/store';
import { recordRecruiterAlert } from '../../core/store/alerts';
import { LOW_SURVEY_SCORE, recordSurveyAnswer } from '../../core/store/candidate-surveys';
import { optOut } from '../../core/store/consent';
import { getVersion } from '../../core/store/journeys';
import { contactsOf, readStatusPage, type StatusBoardRow } from '../../core/store/status-page';
import { lookupStatusToken } from '../../core/store/status-tokens';
import { tenantName } from '../../core/store/tenants';
import type { JourneyDefinition } from '../../workflows/engine/definition';
import type { CandidateReply } from '../../workflows/shared';
import { ANSWER_TEMPLATE } from '../../workflows/engine/questions';
import { findQuestion, listQuestions } from '../../core/store/candidate-questions';
import { receiveQuestion } from '../api/messaging/questions';
import type { JourneySignals } from '../api/messaging/journey-signals';
import { renderInvalidLink, renderStatusPage, STATUS_PAGE_CSP, type PageStep, type StatusPageView } from './page';
import { pageTexts, PAGE_LANGUAGES, type PageTexts } from './texts';

export { STATUS_PAGE_CSP } from './page';

/** What the status page needs: the store, and a way to tell a journey the candidate stopped a channel. */
export interface StatusPageDeps {
  db: Queryable;
  /** Signals the journey (candidateReply); absent without a Temporal client: the opt-out still holds at send time. */
  reply?: ((tenant: string, applicationId: string, reply: CandidateReply) => Promise<void>) | undefined;
  /** The shipped default journeys (their stage texts); loaded from journeys/ unless given. */
  shipped?: Map<string, VersionedDefinition> | undefined;
  /** The clock tokens are judged by (tests move it). */
  now?: () => Date;
  /** Where to report a journey that could not be told (no personal data). */
  warn?: (message: string) => void;
  /** Tells the journey about a question from the page (absent without a Temporal client: the inbox still has it). */
  journeys?: Pick<JourneySignals, 'question'> | undefined;
}

/** The stages of the usual path, in order; an ending other than hired replaces its tail. */
const PATH = ['applied', 'screening', 'interview', 'offer', 'hired'] as const;
const ENDINGS = new Set(['hired', 'rejected', 'withdrawn']);
const COMMENT_LIMIT = 2000;

type Stages = JourneyDefinition['stages'];
type StageName = keyof Stages;

/** Security headers of every page: no framing, no referrer (the token is in the URL), no indexing, nothing cached. */
function sendPage(reply: FastifyReply, code: number, html: string) {
  return reply
    .code(code)
    .header('content-security-policy', STATUS_PAGE_CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('x-robots-tag', 'noindex, nofollow')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

const language = (value: unknown): string | undefined => (typeof value === 'string' && (PAGE_LANGUAGES as readonly string[]).includes(value) ? value : undefined);

/** The definition the application's journey runs: its published version, else the shipped default of that version or id. */
async function definitionOf(db: Queryable, shipped: () => Map<string, VersionedDefinition>, tenant: string, board: StatusBoardRow): Promise<JourneyDefinition | undefined> {
  const published = /@v(\d+)$/.exec(board.definitionVersion);
  if (published) {
    const version = await getVersion(db, tenant, board.journeyId, Number(published[1]));
    if (version) return version.definition;
  }
  const defaults = [...shipped().values()];
  return (defaults.find((d) => d.version === board.definitionVersion) ?? defaults.find((d) => d.definition.id === board.journeyId))?.definition;
}

/** A stage's title and sentence: the journey's own in the page's language, else the page's defaults. */
function stageText(words: PageTexts, definition: JourneyDefinition | undefined, stage: string): { title: string; sentence: string } {
  const own = definition?.stages[stage as StageName]?.candidate;
  const picked = pickLocale(own, words.lang);
  if (picked && picked.locale.split('-')[0] === words.lang) return picked.value;
  return words.stages[stage] ?? { title: stage, sentence: '' };
}

/** Whether the journey says anything in a stage (else the page leaves it out unless the candidate was there). */
function stageUsed(definition: JourneyDefinition | undefined, stage: string): boolean {
  const s = definition?.stages[stage as StageName];
  return !definition || !s || s.onEnter.length > 0 || s.followUp !== undefined || s.candidate !== undefined;
}

/** The steps of the process as the journey defines them, with where the candidate is. */
function stepsOf(words: PageTexts, definition: JourneyDefinition | undefined, current: string, entered: Set<string>): PageStep[] {
  const step = (stage: string, state: PageStep['state']): PageStep => ({ ...stageText(words, definition, stage), state });
  const at = (PATH as readonly string[]).indexOf(current);
  if (at >= 0) {
    return PATH.flatMap((stage, i) => (i === at || stageUsed(definition, stage) || entered.has(stage) ? [step(stage, i < at ? 'done' : i === at ? 'current' : 'ahead')] : []));
  }
  // Rejected or withdrawn: the steps the candidate went through, then how it ended.
  return [...PATH.filter((stage) => stage !== 'hired' && (entered.has(stage) || stage === 'applied')).map((stage) => step(stage, 'done')), step(current, 'current')];
}

/** What a sent message was about, in the candidate's words: its stage's title, or "status update". */
function messageLabel(words: PageTexts, definition: JourneyDefinition | undefined, template: string): string {
  const prefix = template.split('.')[0]!;
  if (prefix === 'status') return words.statusUpdate;
  if (template === ANSWER_TEMPLATE) return words.ask.answerLabel;
  return words.stages[prefix] ? stageText(words, definition, prefix).title : words.statusUpdate;
}

/**
 * The candidate's status page: GET /s/{token} shows it; POST /s/{token}/stop/{email|sms} stops a channel (the same
 * opt-out as SMS STOP and the unsubscribe link); POST /s/{token}/survey records the verdict once the journey has
 * closed. Everything comes from the store (board row, timeline, ledger, the facts the last message recorded);
 * no workflow is queried. The token is a path parameter named `token`, which the access log redacts.
 */
export function registerStatusPage(app: FastifyInstance, deps: StatusPageDeps): void {
  const { db } = deps;
  let shipped = deps.shipped;
  const defaults = () => (shipped ??= loadDefaultJourneys());
  const now = () => deps.now?.() ?? new Date();

  async function view(tenant: string, applicationId: string, path: string, lang: string | undefined, notice?: (w: PageTexts, format: Intl.DateTimeFormat) => StatusPageView['notice']): Promise<StatusPageView> {
    const [data, company] = await Promise.all([readStatusPage(db, tenant, applicationId), tenantName(db, tenant)]);
    const { facts, board } = data;
    const words = pageTexts(lang ?? facts?.locale ?? 'en');
    const locale = facts?.locale.split('-')[0] === words.lang ? facts.locale : words.lang === 'sv' ? 'sv-SE' : 'en-GB';
    const timeZone = facts?.timeZone ?? 'UTC';
    const format = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
    const definition = board ? await definitionOf(db, defaults, tenant, board) : undefined;
    const stage = board?.stage ?? 'applied';
    const ended = !board || board.status !== 'open' || ENDINGS.has(stage);

    const next: string[] = [];
    if (board && !ended) {
      // The soonest message the journey has scheduled: the engine never lets maxSilence pass without one.
      const upcoming = board.scheduled[0];
      const purpose = upcoming ? words.purposes[upcoming.purpose] : undefined;
      const dueAt = upcoming?.dueAt ?? board.nextMessage?.dueAt;
      if (board.paused) next.push(words.paused);
      else if (dueAt !== undefined) next.push(...(purpose ? [words.nextMessage(purpose)] : []), words.nextBy(format.format(dueAt)));
      else next.push(words.noNextKnown);
    } else if (!board) next.push(words.noNextKnown);

    return {
      words,
      path,
      company,
      jobTitle: facts?.jobTitle,
      recruiterName: facts?.recruiterName,
      timeZone,
      steps: stepsOf(words, definition, stage, data.entered),
      next,
      closed: board && ended ? words.closed(stageText(words, definition, stage).title) : undefined,
      messages: data.messages.map((m) => ({ at: m.sentAt, when: format.format(new Date(m.sentAt)), channel: words.channel[m.channel], label: messageLabel(words, definition, m.template) })),
      channels: data.channels,
      canAsk: !board || !ended,
      questions: (await listQuestions(db, tenant, { applicationId, limit: 20 })).map((q) => ({
        askedAt: q.askedAt,
        askedWhen: format.format(new Date(q.askedAt)),
        text: q.text,
        status: q.answer !== null ? words.ask.answered(q.answeredBy ?? q.recruiterName ?? words.ask.team(company), format.format(new Date(q.answeredAt!))) : words.ask.waiting(format.format(new Date(q.answerBy))),
        answer: q.answer ?? undefined,
      })),
      survey: !board || !ended ? 'none' : data.answered ? 'answered' : 'ask',
      notice: notice?.(words, format),
    };
  }

  void app.register(async (scope) => {
    // Plain HTML forms post urlencoded bodies; nothing else is accepted here.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    const valid = async (token: string, lang: string | undefined, reply: FastifyReply) => {
      const found = await lookupStatusToken(db, token, now());
      if (found.status === 'valid') return found;
      await sendPage(reply, found.status === 'expired' ? 410 : 404, renderInvalidLink(pageTexts(lang ?? 'en'), found.status));
      return undefined;
    };
    const back = (reply: FastifyReply, token: string, lang: string | undefined, done: string) =>
      reply.code(303).header('location', `/s/${token}?${new URLSearchParams({ ...(lang ? { lang } : {}), done }).toString()}`).header('referrer-policy', 'no-referrer').send();

    scope.get<{ Params: { token: string }; Querystring: { lang?: string; done?: string; q?: string } }>('/s/:token', async (request, reply) => {
      const lang = language(request.query.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const done = request.query.done;
      // After a question: who has it and by when, from the stored question (this application's only).
      const asked = done === 'question' && request.query.q ? await findQuestion(db, found.tenant, request.query.q) : undefined;
      const question = asked?.applicationId === found.applicationId ? asked : undefined;
      const company = question ? await tenantName(db, found.tenant) : '';
      const page = await view(found.tenant, found.applicationId, `/s/${request.params.token}`, lang, (w, format) =>
        done === 'email' || done === 'sms'
          ? { text: w.stoppedNotice[done], kind: 'status' }
          : question
            ? { text: w.ask.received(question.recruiterName ?? w.ask.team(company), format.format(new Date(question.answerBy))), kind: 'status' }
          : done === 'question-invalid'
            ? { text: w.ask.invalid, kind: 'alert' }
          : done === 'survey'
            ? { text: w.survey.thanks, kind: 'status' }
            : done === 'survey-invalid'
              ? { text: w.survey.invalid, kind: 'alert' }
              : undefined,
      );
      return sendPage(reply, 200, renderStatusPage(page));
    });

    scope.post<{ Params: { token: string; channel: string }; Body: Record<string, string> | undefined }>('/s/:token/stop/:channel', async (request, reply) => {
      const lang = language(request.body?.lang);
      const channel = request.params.channel;
      if (channel !== 'email' && channel !== 'sms') return sendPage(reply, 404, renderInvalidLink(pageTexts(lang ?? 'en'), 'unknown'));
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      for (const contact of await contactsOf(db, found.tenant, found.applicationId, channel)) await optOut(db, found.tenant, channel, contact, 'status-page');
      // The journey records it (timeline, journey event); an ended journey or a missing client must not fail the page.
      await deps.reply?.(found.tenant, found.applicationId, { channel, text: 'status-page', optOut: true }).catch(() => deps.warn?.('could not tell the journey about a status-page opt-out'));
      return back(reply, request.params.token, lang, channel);
    });

    // A question for a person: stored, the journey told (it e-mails the recruiter and waits for the answer), and the
    // page says who has it and by when. A repeated post of the same text within a minute is the same question.
    scope.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/s/:token/question', async (request, reply) => {
      const lang = language(request.body?.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const text = (request.body?.question ?? '').trim().slice(0, 4000);
      if (text === '') return back(reply, request.params.token, lang, 'question-invalid');
      const minute = Math.floor(now().getTime() / 60_000);
      const sourceRef = createHash('sha256').update(`${found.applicationId}\n${minute}\n${text}`).digest('hex');
      const received = await receiveQuestion(
        { db, journeys: deps.journeys, now: () => now().getTime(), warn: (message) => deps.warn?.(message), ...(deps.shipped ? { shipped: () => deps.shipped! } : {}) },
        { tenant: found.tenant, applicationId: found.applicationId, source: 'page', sourceRef, text },
      );
      return reply
        .code(303)
        .header('location', `/s/${request.params.token}?${new URLSearchParams({ ...(lang ? { lang } : {}), done: 'question', q: received.question.questionId }).toString()}`)
        .header('referrer-policy', 'no-referrer')
        .send();
    });

    scope.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/s/:token/survey', async (request, reply) => {
      const lang = language(request.body?.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const score = Number(request.body?.score);
      if (!Number.isInteger(score) || score < 1 || score > 5) return back(reply, request.params.token, lang, 'survey-invalid');
      const { board, facts } = await readStatusPage(db, found.tenant, found.applicationId);
      // Asked once the journey has closed; a form posted earlier (or again) changes nothing.
      if (!board || (board.status === 'open' && !ENDINGS.has(board.stage))) return back(reply, request.params.token, lang, 'survey-invalid');
      const comment = (request.body?.comment ?? '').trim().slice(0, COMMENT_LIMIT);
      const stored = await recordSurveyAnswer(db, {
        tenant: found.tenant,
        applicationId: found.applicationId,
        journeyId: board.journeyId,
        definitionVersion: board.definitionVersion,
        jobId: facts?.jobId,
        outcome: board.outcome ?? board.stage,
        score,
        comment: comment === '' ? undefined : comment,
      });
      if (stored && score <= LOW_SURVEY_SCORE) {
        await recordRecruiterAlert(db, { tenant: found.tenant, applicationId: found.applicationId, alertId: `survey:${found.applicationId}`, reason: 'low-survey-score' });
      }
      return back(reply, request.params.token, lang, 'survey');
    });
  });
}
