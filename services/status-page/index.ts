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
import { awaitingNewTime, chooseSlot, hasAccessibilityNeeds, hasWithdrawn, offeredSlots, recordAccessibilityNeeds, recordWithdrawal, requestReschedule, type OfferedSlot } from '../../core/store/interview-slots';
import type { CandidateSignals } from './journey-interviews';
import type { JourneySignals } from '../api/messaging/journey-signals';
import { renderInterviewPage, renderInvalidLink, renderStatusPage, renderWithdrawConfirm, STATUS_PAGE_CSP, type InterviewPageView, type PageStep, type StatusPageView } from './page';
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
  /** Tells the journey about a booked slot, a request for another time and a withdrawal (absent without a Temporal client). */
  candidate?: CandidateSignals | undefined;
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

/** Formats a slot's time as the candidate reads it: "Monday 2 March, 10:00–11:00" in their language and zone. */
function slotTime(format: Intl.DateTimeFormat, locale: string, timeZone: string): (slot: Pick<OfferedSlot, 'start' | 'end'>) => string {
  const clock = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  return (slot) => `${format.format(new Date(slot.start))}–${clock.format(new Date(slot.end))}`;
}

/** What the main page says about the interview, and the link to choose or change its time (undefined: nothing offered). */
function interviewSummary(words: PageTexts, slots: OfferedSlot[], awaiting: Set<string>, when: (slot: OfferedSlot) => string, who: string, link: string, interviewStage: boolean): StatusPageView['interview'] {
  // In the interview stage the page links the interview page even before times are offered: accessibility needs can be stated there.
  if (slots.length === 0) return interviewStage ? { lines: [words.interview.none], link, linkText: words.interview.needsHeading } : undefined;
  const lines: string[] = [];
  let settled = false;
  for (const interviewId of new Set(slots.map((s) => s.interviewId))) {
    const own = slots.filter((s) => s.interviewId === interviewId);
    const booked = own.find((s) => s.status === 'yours');
    if (booked) lines.push(words.interview.booked(when(booked)));
    else if (awaiting.has(interviewId)) lines.push(words.interview.awaiting(who));
    else lines.push(words.interview.choose);
    settled ||= booked !== undefined || awaiting.has(interviewId);
  }
  return { lines: [...new Set(lines)], link, linkText: settled ? words.interview.changeLink : words.interview.chooseLink };
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
    const [slots, awaiting, withdrawn] = await Promise.all([offeredSlots(db, tenant, applicationId), awaitingNewTime(db, tenant, applicationId), hasWithdrawn(db, tenant, applicationId)]);

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
      interview: ended ? undefined : interviewSummary(words, slots, awaiting, slotTime(format, locale, timeZone), facts?.recruiterName ?? words.ask.team(company), `${path}/interview?lang=${words.lang}`, stage === 'interview'),
      canWithdraw: board !== undefined && !ended && !withdrawn,
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
          : done === 'withdrawn'
            ? { text: w.withdraw.done, kind: 'status' }
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

    // Interviews on the candidate's terms: the page that books a slot, asks for another time and states accessibility needs.
    const interviewBack = (reply: FastifyReply, token: string, lang: string | undefined, done: string) =>
      reply.code(303).header('location', `/s/${token}/interview?${new URLSearchParams({ ...(lang ? { lang } : {}), done }).toString()}`).header('referrer-policy', 'no-referrer').send();
    const journeyOpen = async (tenant: string, applicationId: string): Promise<boolean> => {
      const { board } = await readStatusPage(db, tenant, applicationId);
      return board !== undefined && board.status === 'open' && !ENDINGS.has(board.stage) && !(await hasWithdrawn(db, tenant, applicationId));
    };
    const tell = async (what: string, work: (() => Promise<void>) | undefined) => {
      // The store holds the candidate's choice either way; a journey that cannot be told now is reported (ids only).
      await work?.().catch(() => deps.warn?.(`could not tell the journey about ${what}`));
    };

    scope.get<{ Params: { token: string }; Querystring: { lang?: string; done?: string } }>('/s/:token/interview', async (request, reply) => {
      const lang = language(request.query.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const { tenant, applicationId } = found;
      const [data, company, slots, awaiting, needsStated, open] = await Promise.all([
        readStatusPage(db, tenant, applicationId),
        tenantName(db, tenant),
        offeredSlots(db, tenant, applicationId),
        awaitingNewTime(db, tenant, applicationId),
        hasAccessibilityNeeds(db, tenant, applicationId),
        journeyOpen(tenant, applicationId),
      ]);
      const words = pageTexts(lang ?? data.facts?.locale ?? 'en');
      const locale = data.facts?.locale.split('-')[0] === words.lang ? data.facts.locale : words.lang === 'sv' ? 'sv-SE' : 'en-GB';
      const timeZone = data.facts?.timeZone ?? 'UTC';
      const format = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
      const when = slotTime(format, locale, timeZone);
      const who = data.facts?.recruiterName ?? words.ask.team(company);
      const t = words.interview;
      const booked = slots.find((s) => s.status === 'yours');
      const done = request.query.done;
      const notice: InterviewPageView['notice'] =
        done === 'booked' && booked ? { text: t.bookedNotice(when(booked)), kind: 'status' }
        : done === 'taken' ? { text: t.taken, kind: 'alert' }
        : done === 'gone' ? { text: t.gone, kind: 'alert' }
        : done === 'reschedule' ? { text: t.otherNotice(who), kind: 'status' }
        : done === 'needs' ? { text: t.needsNotice(who), kind: 'status' }
        : done === 'needs-invalid' ? { text: words.ask.invalid, kind: 'alert' }
        : undefined;
      const nowMs = now().getTime();
      const interviews = [...new Set(slots.map((s) => s.interviewId))].map((interviewId) => {
        const own = slots.filter((s) => s.interviewId === interviewId);
        const mine = own.find((s) => s.status === 'yours');
        return {
          interviewId,
          booked: mine ? when(mine) : undefined,
          awaiting: !mine && awaiting.has(interviewId),
          free: own.filter((s) => s.status === 'free' && Date.parse(s.start) > nowMs).map((s) => ({ slotId: s.slotId, when: when(s), place: s.location ?? s.link ?? undefined })),
        };
      });
      return sendPage(reply, 200, renderInterviewPage({ words, path: `/s/${request.params.token}`, company, interviews, recruiter: who, needsStated, open, notice, timeZone }));
    });

    // Books a slot: the store lets one candidate have it (two racing for it: one gets it, the other is told it is gone
    // and sees the times still free); the journey then confirms it and moves the reminders to it.
    scope.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/s/:token/interview/choose', async (request, reply) => {
      const lang = language(request.body?.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const slotId = String(request.body?.slot ?? '');
      if (!(await journeyOpen(found.tenant, found.applicationId))) return back(reply, request.params.token, lang, '');
      const choice = await chooseSlot(db, { tenant: found.tenant, applicationId: found.applicationId, slotId, now: now().getTime() });
      if (choice.status === 'taken') return interviewBack(reply, request.params.token, lang, 'taken');
      if (choice.status === 'past' || choice.status === 'unknown') return interviewBack(reply, request.params.token, lang, 'gone');
      if (choice.status === 'booked') {
        const { slot } = choice;
        await tell('a booked interview slot', deps.candidate && (() => deps.candidate!.interview(found.tenant, found.applicationId, {
          action: 'chosen', interviewId: slot.interviewId, slotId: slot.slotId, start: slot.start, end: slot.end,
          ...(slot.location ? { location: slot.location } : {}), ...(slot.link ? { link: slot.link } : {}),
        })));
      }
      return interviewBack(reply, request.params.token, lang, 'booked');
    });

    // None of the times work: the request (with its note, sealed) goes to the recruiter; the booked slot is given back.
    scope.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/s/:token/interview/reschedule', async (request, reply) => {
      const lang = language(request.body?.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const interviewId = String(request.body?.interview ?? '');
      const offered = await offeredSlots(db, found.tenant, found.applicationId);
      if (!offered.some((s) => s.interviewId === interviewId) || !(await journeyOpen(found.tenant, found.applicationId))) return interviewBack(reply, request.params.token, lang, 'gone');
      const note = (request.body?.note ?? '').trim();
      const minute = Math.floor(now().getTime() / 60_000);
      const requestKey = createHash('sha256').update(`${interviewId}\n${minute}\n${note}`).digest('hex');
      const made = await requestReschedule(db, { tenant: found.tenant, applicationId: found.applicationId, interviewId, requestKey, note: note === '' ? undefined : note });
      if (made.created) await tell('a request for another interview time', deps.candidate && (() => deps.candidate!.interview(found.tenant, found.applicationId, { action: 'reschedule', interviewId, requestId: made.requestId })));
      return interviewBack(reply, request.params.token, lang, 'reschedule');
    });

    // Accessibility needs: stored sealed for the recruiter alone (never the journey, its events or a log); they get an alert.
    scope.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/s/:token/interview/needs', async (request, reply) => {
      const lang = language(request.body?.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      const needs = (request.body?.needs ?? '').trim();
      if (needs === '') return interviewBack(reply, request.params.token, lang, 'needs-invalid');
      await recordAccessibilityNeeds(db, found.tenant, found.applicationId, needs);
      const minute = Math.floor(now().getTime() / 60_000);
      await recordRecruiterAlert(db, { tenant: found.tenant, applicationId: found.applicationId, alertId: `accessibility-needs:${found.applicationId}:${minute}`, reason: 'accessibility-needs' });
      return interviewBack(reply, request.params.token, lang, 'needs');
    });

    // Withdrawing takes two steps: this page asks, and only its form's post withdraws.
    scope.get<{ Params: { token: string }; Querystring: { lang?: string } }>('/s/:token/withdraw', async (request, reply) => {
      const lang = language(request.query.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      if (!(await journeyOpen(found.tenant, found.applicationId))) return back(reply, request.params.token, lang, '');
      const [data, company] = await Promise.all([readStatusPage(db, found.tenant, found.applicationId), tenantName(db, found.tenant)]);
      return sendPage(reply, 200, renderWithdrawConfirm(pageTexts(lang ?? data.facts?.locale ?? 'en'), `/s/${request.params.token}`, company, data.facts?.jobTitle));
    });

    scope.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/s/:token/withdraw', async (request, reply) => {
      const lang = language(request.body?.lang);
      const found = await valid(request.params.token, lang, reply);
      if (!found) return reply;
      if (request.body?.confirm !== 'yes') return back(reply, request.params.token, lang, '');
      const { board } = await readStatusPage(db, found.tenant, found.applicationId);
      if (!board || board.status !== 'open' || ENDINGS.has(board.stage)) return back(reply, request.params.token, lang, '');
      // Once per application; the journey is told each time (a repeat changes nothing there), so a lost signal can be made up.
      await recordWithdrawal(db, found.tenant, found.applicationId);
      await tell('a withdrawal', deps.candidate && (() => deps.candidate!.withdraw(found.tenant, found.applicationId)));
      return back(reply, request.params.token, lang, 'withdrawn');
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
