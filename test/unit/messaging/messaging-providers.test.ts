import { classifySendGridError, classifyTwilioError, redactContacts } from '../../../activities/messaging';
import { smsKeyword } from '../../../services/api/messaging/keywords';

describe('provider error mapping', () => {
  it.each([
    [{ status: 429, code: 20429, message: 'Too Many Requests' }, 'ProviderRateLimited', true],
    [{ status: 500, code: 20500, message: 'oops' }, 'ProviderUnavailable', true],
    [{ message: 'timeout of 1500ms exceeded' }, 'ProviderTimeout', true],
    [{ status: 400, code: 21211, message: 'invalid To' }, 'InvalidRecipient', false],
    [{ status: 400, code: 21610, message: 'unsubscribed' }, 'RecipientUnsubscribed', false],
    [{ status: 400, code: 21408, message: 'region' }, 'RecipientBlocked', false],
    [{ status: 401, code: 20003, message: 'auth' }, 'ProviderMisconfigured', false],
  ])('Twilio %j → %s', (error, type, retryable) => {
    expect(classifyTwilioError(error)).toMatchObject({ type, retryable });
  });

  it.each([
    [{ code: 429, message: 'Too Many Requests' }, 'ProviderRateLimited', true],
    [{ code: 503 }, 'ProviderUnavailable', true],
    [{ message: 'socket hang up' }, 'ProviderTimeout', true],
    [{ code: 400, response: { body: { errors: [{ field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.' }] } } }, 'InvalidRecipient', false],
    [{ code: 400, response: { body: { errors: [{ field: 'subject', message: 'required' }] } } }, 'ProviderRejected', false],
  ])('SendGrid %j → %s', (error, type, retryable) => {
    expect(classifySendGridError(error)).toMatchObject({ type, retryable });
  });
});

describe('SMS keywords', () => {
  it('recognises the keywords in English and Swedish, and nothing else', () => {
    expect(['STOP', 'stopp', ' Unsubscribe. ', 'AVSLUTA'].map(smsKeyword)).toEqual(['stop', 'stop', 'stop', 'stop']);
    expect(['START', 'börja', 'BÖRJA!'].map(smsKeyword)).toEqual(['start', 'start', 'start']);
    expect(['HELP', 'hjälp', 'status'].map(smsKeyword)).toEqual(['help', 'help', 'status']);
    expect(smsKeyword('please stop calling me at work')).toBeUndefined();
  });
});

describe('failure reasons never name the recipient', () => {
  it('takes e-mail addresses and phone numbers out of what providers say, and keeps error codes, dates and ids', () => {
    const twilio = classifyTwilioError({ status: 400, code: 21211, message: "The 'To' number +46701234567 is not a valid phone number." });
    expect(twilio).toMatchObject({ type: 'InvalidRecipient', message: "Twilio: The 'To' number <phone number> is not a valid phone number." });
    expect(redactContacts('550 5.1.1 <ada.lovelace+jobs@example.co.uk>: Recipient address rejected')).toBe('550 5.1.1 <<e-mail address>>: Recipient address rejected');
    expect(redactContacts('to 0701234567 and +1 (415) 555-0100 at 2026-11-26T10:00:00Z, code 30003, id SM0123456789abcdef')).toBe(
      'to <phone number> and <phone number> at 2026-11-26T10:00:00Z, code 30003, id SM0123456789abcdef',
    );
  });
});
