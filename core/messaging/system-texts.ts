import { pickLocale } from './locale-chain';

/** Words Candor itself says (not a journey's messages), per language; sv-FI uses sv, anything else en. */
interface SystemTexts {
  emailFooter: (unsubscribeUrl: string) => string;
  /** Why the candidate gets the e-mail, before the unsubscribe link of the HTML part. */
  emailReason: string;
  /** An e-mail's sender name when it comes from a person: "Maja Lind at Acme". */
  senderAt: (person: string, company: string) => string;
  unsubscribeLink: string;
  help: (company: string) => string;
  status: (stage: string) => string;
  statusUnknown: string;
  optedOut: string;
  optedIn: string;
  unsubscribedPage: string;
  unsubscribeConfirm: string;
  /** Stands in for an interview's place when the ATS gave neither a location nor a link. */
  locationToBeConfirmed: string;
  stages: Record<string, string>;
  /** Said at once to a candidate who asked a person something: who has it and by when they answer. */
  questionReceived: (who: string, when: string) => string;
  /** The subject of that e-mail, when the question came by e-mail. */
  questionReceivedSubject: string;
  /** "who" when the application names no recruiter. */
  recruitingTeam: (company: string) => string;
  /** The subject of a recruiter's answer by e-mail. */
  answerSubject: string;
  /** The recruiter's e-mail about a new question (in the candidate's language: the recruiter answers in it). */
  recruiterQuestionSubject: (applicationId: string) => string;
  recruiterQuestionBody: (p: { applicationId: string; source: string; question: string; when: string; inboxUrl: string }) => string;
}

const TEXTS: Record<string, SystemTexts> = {
  en: {
    emailFooter: (url) => `You get these e-mails about your application. To stop them: ${url}`,
    emailReason: 'You get these e-mails about your application.',
    senderAt: (person, company) => `${person} at ${company}`,
    unsubscribeLink: 'Stop these e-mails',
    help: (company) => `${company}: updates about your application. Reply STATUS for where it stands, STOP to stop SMS, START to get them again.`,
    status: (stage) => `Your application is at this step: ${stage}.`,
    statusUnknown: 'We could not look up your application just now; please try again later.',
    optedOut: 'You will get no more SMS from us about your application. Reply START to get them again.',
    optedIn: 'You will get SMS updates about your application again. Reply STOP to stop.',
    unsubscribedPage: 'Done: you will get no more e-mails about this application.',
    unsubscribeConfirm: 'Stop e-mails about my application',
    locationToBeConfirmed: 'place to be confirmed',
    stages: { applied: 'received', screening: 'screening', interview: 'interviews', offer: 'offer', hired: 'hired', rejected: 'closed', withdrawn: 'withdrawn' },
    questionReceived: (who, when) => `Thank you for your message. ${who} has it and will answer by ${when}.`,
    questionReceivedSubject: 'We have your question',
    recruitingTeam: (company) => `The recruiting team at ${company}`,
    answerSubject: 'An answer to your question',
    recruiterQuestionSubject: (id) => `A candidate asked a question (application ${id})`,
    recruiterQuestionBody: (p) => `A candidate asked a question (application ${p.applicationId}, by ${p.source}):\n\n${p.question}\n\nPlease answer by ${p.when}: ${p.inboxUrl}\nYour answer goes to the candidate on the channel they asked on.`,
  },
  sv: {
    emailFooter: (url) => `Du får dessa mejl om din ansökan. Avsluta dem här: ${url}`,
    emailReason: 'Du får dessa mejl om din ansökan.',
    senderAt: (person, company) => `${person} på ${company}`,
    unsubscribeLink: 'Avsluta dessa mejl',
    help: (company) => `${company}: uppdateringar om din ansökan. Svara STATUS för läget, STOPP för att stoppa sms, BÖRJA för att få dem igen.`,
    status: (stage) => `Din ansökan är i detta steg: ${stage}.`,
    statusUnknown: 'Vi kunde inte slå upp din ansökan just nu; försök igen senare.',
    optedOut: 'Du får inga fler sms från oss om din ansökan. Svara BÖRJA för att få dem igen.',
    optedIn: 'Du får sms om din ansökan igen. Svara STOPP för att avsluta.',
    unsubscribedPage: 'Klart: du får inga fler mejl om denna ansökan.',
    unsubscribeConfirm: 'Avsluta mejl om min ansökan',
    locationToBeConfirmed: 'plats meddelas senare',
    stages: { applied: 'mottagen', screening: 'urval', interview: 'intervjuer', offer: 'erbjudande', hired: 'anställd', rejected: 'avslutad', withdrawn: 'återtagen' },
    questionReceived: (who, when) => `Tack för ditt meddelande. ${who} har fått det och svarar senast ${when}.`,
    questionReceivedSubject: 'Vi har fått din fråga',
    recruitingTeam: (company) => `Rekryteringsteamet på ${company}`,
    answerSubject: 'Svar på din fråga',
    recruiterQuestionSubject: (id) => `En kandidat har ställt en fråga (ansökan ${id})`,
    recruiterQuestionBody: (p) => `En kandidat har ställt en fråga (ansökan ${p.applicationId}, via ${p.source}):\n\n${p.question}\n\nSvara senast ${p.when}: ${p.inboxUrl}\nDitt svar går till kandidaten i den kanal de frågade i.`,
  },
};

/** An instant as a person reads it in `locale` and `timeZone`: "tisdag 2 december 16:00". */
export function formatWhen(t: number, locale: string, timeZone: string): string {
  const lang = pickLocale({ sv: 'sv-SE', en: 'en-GB' }, locale)!.value;
  return new Intl.DateTimeFormat(lang, { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(t);
}

/** Candor's own words in the candidate's language (locale chain sv-FI → sv → en). */
export function systemTexts(locale: string): SystemTexts {
  return pickLocale(TEXTS, locale)!.value;
}
