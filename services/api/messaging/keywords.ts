/** What an inbound SMS asks for: the carrier keywords Candor honours, in English and Swedish. */
export type SmsKeyword = 'stop' | 'start' | 'help' | 'status';

const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'stop',
  STOPP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
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
