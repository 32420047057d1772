/**
 * Messaging libraries shared by the send path (activities) and the API: templates, SMS length and segments,
 * the locale chain, the system texts candidates read, and the send failure types.
 */
export { renderEmail, renderSms, previewTemplate, checkTemplate, smsFormWarnings, TEMPLATE_VARIABLES, TemplateError } from './templates';
export { smsLength, SMS_SEGMENT_WARNING } from './sms-segments';
export { localeChain, pickLocale } from './locale-chain';
export { systemTexts } from './system-texts';
export { ProviderError, RETRYABLE, NON_RETRYABLE, redactContacts, toApplicationFailure, type FailureType } from './failures';
