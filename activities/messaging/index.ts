import type { Config } from '../../core/config';
import type { Queryable } from '../../core/store';
import type { Providers } from './provider';
import { createSandboxProvider } from './sandbox-provider';
import { createSendGridEmailProvider } from './sendgrid-email';
import { createTwilioSmsProvider } from './twilio-sms';

export type { Provider, Providers, OutboundMessage, Accepted } from './provider';
export { sendMessage, type DeliverRequest, type SendDeps, type SendMessageOptions, type CrashPoint, type SendStep } from './send-message';
export { ProviderError, RETRYABLE, NON_RETRYABLE, redactContacts, type FailureType } from '../../core/messaging/failures';
export { createSandboxProvider } from './sandbox-provider';
export { createTwilioSmsProvider, classifyTwilioError, type TwilioSettings } from './twilio-sms';
export { createSendGridEmailProvider, classifySendGridError, type SendGridSettings } from './sendgrid-email';
export { renderEmail, renderSms, previewTemplate, checkTemplate, TEMPLATE_VARIABLES, TemplateError } from '../../core/messaging/templates';
export { smsLength, SMS_SEGMENT_WARNING } from '../../core/messaging/sms-segments';
export { localeChain, pickLocale } from '../../core/messaging/locale-chain';
export { systemTexts } from '../../core/messaging/system-texts';
export { isOptedOut, optIn, optOut, optOutForms, normaliseContact } from '../../core/store/consent';
export {
  lookupUnsubscribeToken,
  markUnsubscribeTokenUsed,
  purgeExpiredUnsubscribeTokens,
  revokeUnsubscribeTokens,
  UNSUBSCRIBE_TOKEN_DAYS,
  type UnsubscribeLookup,
  type UnsubscribeSubject,
} from '../../core/store/unsubscribe-tokens';
export * from '../../core/store/ledger';

/** The provider per channel: Twilio and SendGrid when their credentials are set, the sandbox otherwise. */
export function createProviders(config: Pick<Config, 'twilio' | 'sendgrid'>, db: Queryable): Providers {
  return {
    sms: config.twilio
      ? createTwilioSmsProvider({ accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, from: config.twilio.from, baseUrl: config.twilio.baseUrl })
      : createSandboxProvider(db, 'sms'),
    email: config.sendgrid
      ? createSendGridEmailProvider({ apiKey: config.sendgrid.apiKey, from: config.sendgrid.from, baseUrl: config.sendgrid.baseUrl })
      : createSandboxProvider(db, 'email'),
  };
}
