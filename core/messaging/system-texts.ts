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
  },
};

/** Candor's own words in the candidate's language (locale chain sv-FI → sv → en). */
export function systemTexts(locale: string): SystemTexts {
  return pickLocale(TEXTS, locale)!.value;
}
