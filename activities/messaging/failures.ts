import { ApplicationFailure } from '@temporalio/activity';

/**
 * Stable failure types of the send path. Retryable ones mean "later" (the activity retries with the
 * workflow's backoff); the others are a definite answer for this channel, so the journey falls back to
 * the next channel with the same message id.
 */
export const RETRYABLE = ['ProviderRateLimited', 'ProviderUnavailable', 'ProviderTimeout', 'QuietHours'] as const;
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

/** A provider's answer, classified where the error is raised. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly type: FailureType,
    message: string,
    readonly status?: number,
    readonly code?: number | string,
  ) {
    super(message);
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
