import { ApplicationFailure } from '@temporalio/activity';

/**
 * Stable failure types of the send path. Retryable ones mean "later" (the activity retries with the
 * workflow's backoff); the others are a definite answer for this channel, so the journey falls back to
 * the next channel with the same message id.
 */
export const RETRYABLE = ['ProviderRateLimited', 'ProviderUnavailable', 'ProviderTimeout', 'QuietHours', 'SendInProgress'] as const;
export const NON_RETRYABLE = [
  'InvalidRecipient',
  'RecipientUnsubscribed',
  'RecipientBlocked',
  'ProviderRejected',
  'ProviderMisconfigured',
  'ProviderExhausted',
  'OptedOut',
  'NoRecipient',
  'TemplateMissing',
  'TemplateDataMissing',
  'TemplateInvalid',
] as const;
export type RetryableType = (typeof RETRYABLE)[number];
export type NonRetryableType = (typeof NON_RETRYABLE)[number];
export type FailureType = RetryableType | NonRetryableType;

const EMAIL = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d[\d ()-]{5,18}\d|(?<![\w.-])\d{9,15}(?![\w.-])/g;

/**
 * A provider's words with e-mail addresses and phone numbers taken out. Providers echo the recipient in
 * errors ("The 'To' number +4670… is not valid", "<ada@…>: mailbox unavailable"); failure reasons travel
 * to workflow histories, logs, timelines and `candor.journey-events`, where contact details must not.
 */
export function redactContacts(text: string): string {
  return text.replace(EMAIL, '<e-mail address>').replace(PHONE, '<phone number>');
}

/** A provider's answer, classified where the error is raised; its message never names the recipient. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly type: FailureType,
    message: string,
    readonly status?: number,
    readonly code?: number | string,
  ) {
    super(redactContacts(message));
  }

  get retryable(): boolean {
    return (RETRYABLE as readonly string[]).includes(this.type);
  }
}

/** Classifies an HTTP status (and provider error code) the same way for every provider. */
export function classifyHttp(status: number | undefined, message: string, code?: number | string): ProviderError {
  if (status === undefined) return new ProviderError('ProviderTimeout', message);
  if (status === 429) return new ProviderError('ProviderRateLimited', message, status, code);
  if (status >= 500) return new ProviderError('ProviderUnavailable', message, status, code);
  if (status === 401 || status === 403) return new ProviderError('ProviderMisconfigured', message, status, code);
  return new ProviderError('ProviderRejected', message, status, code);
}

/** Converts a classified error into the Temporal failure the workflow acts on. */
export function toApplicationFailure(error: ProviderError, nextRetryDelayMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    message: error.message,
    type: error.type,
    nonRetryable: !error.retryable,
    ...(nextRetryDelayMs !== undefined ? { nextRetryDelay: nextRetryDelayMs } : {}),
  });
}
