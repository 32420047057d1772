import { log } from '@temporalio/activity';
import { formatWhen, systemTexts } from '../../core/messaging/system-texts';
import { ProviderError, toApplicationFailure } from '../../core/messaging/failures';
import { claimRecruiterNotification, findQuestion, releaseRecruiterNotification } from '../../core/store/candidate-questions';
import { lastLocaleOf } from '../../core/store/ledger';
import type { MessageText } from '../../workflows/engine/definition';
import { QUESTION_RECEIVED_TEMPLATE } from '../../workflows/engine/questions';
import { tenantName } from '../../core/store/tenants';
import type { SendDeps } from './send-message';

/**
 * E-mails the recruiter named on the application that the candidate asked a question, through the configured e-mail
 * provider, once per question (a claim in candidate_questions; given back when the provider fails, so a retry sends).
 * The e-mail holds the question and a link to the console's inbox; the log holds ids only. Without a recruiter
 * address nothing is sent: the inbox has the question, and the journey alerts when it goes unanswered.
 */
export async function notifyRecruiterOfQuestion(
  deps: Pick<SendDeps, 'db' | 'providers' | 'publicUrl'>,
  params: { tenant: string; applicationId: string; questionId: string; recruiter?: { name?: string; email?: string } },
): Promise<void> {
  const email = params.recruiter?.email;
  if (!email) return;
  const question = await findQuestion(deps.db, params.tenant, params.questionId);
  if (!question || question.answeredAt) return;
  if (!(await claimRecruiterNotification(deps.db, params.tenant, params.questionId))) return;
  const locale = (await lastLocaleOf(deps.db, params.tenant, params.applicationId)) ?? 'en';
  const words = systemTexts(locale);
  const inboxUrl = `${deps.publicUrl.replace(/\/$/, '')}/console#/inbox?applicationId=${encodeURIComponent(params.applicationId)}`;
  try {
    await deps.providers.email.send({
      messageId: `question:${params.questionId}`,
      tenant: params.tenant,
      applicationId: params.applicationId,
      channel: 'email',
      to: email,
      template: 'recruiter.question',
      locale,
      subject: words.recruiterQuestionSubject(params.applicationId),
      text: words.recruiterQuestionBody({ applicationId: params.applicationId, source: question.source, question: question.text, when: `${formatWhen(Date.parse(question.answerBy), locale, 'UTC')} UTC`, inboxUrl }),
    });
  } catch (error) {
    await releaseRecruiterNotification(deps.db, params.tenant, params.questionId);
    const classified = error instanceof ProviderError ? error : new ProviderError('ProviderUnavailable', (error as Error).message ?? String(error));
    throw toApplicationFailure(classified);
  }
  log.info('recruiter told of a question', { questionId: params.questionId });
}

/** Liquid must print a recruiter's words as they are: each is wrapped in a raw block it cannot close. */
const literal = (text: string) => `{% raw %}${text.replace(/\{%-?\s*endraw\s*-?%\}/gi, '')}{% endraw %}`;

/**
 * The text of a message about a question, in the candidate's language: for recruiter.answer the answer as the
 * recruiter wrote it, signed with their name; for question.received who has the question and by when they answer.
 * Undefined when the question or its answer is gone (erased).
 */
export async function questionMessageText(db: SendDeps['db'], request: { tenant: string; questionId?: string | undefined; template: string; locale: string; timeZone: string }): Promise<Record<string, MessageText> | undefined> {
  const { locale } = request;
  const question = request.questionId ? await findQuestion(db, request.tenant, request.questionId) : undefined;
  if (!question) return undefined;
  const words = systemTexts(locale);
  if (request.template === QUESTION_RECEIVED_TEMPLATE) {
    const who = question.recruiterName ?? words.recruitingTeam(await tenantName(db, request.tenant));
    const said = literal(words.questionReceived(who, formatWhen(Date.parse(question.answerBy), locale, request.timeZone)));
    return { [locale]: { subject: words.questionReceivedSubject, body: said, sms: said } };
  }
  if (!question.answer) return undefined;
  const signed = question.answeredBy ?? question.recruiterName;
  const body = `${literal(question.answer)}${signed ? `\n\n${literal(signed)}` : ''}`;
  return { [locale]: { subject: words.answerSubject, body, sms: `${literal(question.answer)}${signed ? ` /${literal(signed)}` : ''}` } };
}
