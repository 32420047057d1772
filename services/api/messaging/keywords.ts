/** What an inbound SMS asks for: the carrier keywords Candor honours, in English and Swedish. */
export type SmsKeyword = 'stop' | 'start' | 'help' | 'status';

/**
 * Twilio's default opt-out words (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT) block
 * the number at Twilio whatever Candor does, so Candor must treat every one of them as an opt-out too:
 * otherwise it would keep a journey "reachable" that Twilio no longer delivers to. Opt-in words are
 * Twilio's START and UNSTOP (its YES is left out: a candidate's "yes" is an answer for the recruiter).
 */
const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'stop',
  STOPP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  REVOKE: 'stop',
  OPTOUT: 'stop',
  AVSLUTA: 'stop',
  START: 'start',
  UNSTOP: 'start',
  BÖRJA: 'start',
  HELP: 'help',
  INFO: 'help',
  HJÄLP: 'help',
  STATUS: 'status',
  LÄGE: 'status',
};

/** The keyword a whole message is (case, spaces and trailing punctuation ignored), or undefined for free text. */
export function smsKeyword(body: string): SmsKeyword | undefined {
  const word = body.trim().replace(/[.!?]+$/, '').trim().toLocaleUpperCase('sv');
  return KEYWORDS[word];
}
