import { pickLocale } from '../../core/messaging/locale-chain';

/** The languages the status page speaks; any other locale gets English through the locale chain (sv-FI → sv). */
export const PAGE_LANGUAGES = ['sv', 'en'] as const;
/** One of the page's languages. */
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** Everything the status page says itself, per language. Stage titles and sentences come from the journey first. */
export interface PageTexts {
  lang: PageLanguage;
  /** The link to the page in the other language, in that language. */
  otherLanguage: { lang: PageLanguage; label: string };
  languageNav: string;
  title: string;
  forJob: (job: string) => string;
  atCompany: (company: string) => string;
  contact: (name: string) => string;
  steps: string;
  stepDone: string;
  youAreHere: string;
  stepAhead: string;
  next: string;
  nextBy: (when: string) => string;
  nextMessage: (what: string) => string;
  /** What the next message is, by the purpose the journey gave it. */
  purposes: Record<string, string>;
  noNextKnown: string;
  paused: string;
  closed: (stage: string) => string;
  messages: string;
  noMessages: string;
  channel: { email: string; sms: string };
  statusUpdate: string;
  /** Asking a person a question, and the questions asked so far with their answers. */
  ask: {
    heading: string;
    intro: string;
    label: string;
    send: string;
    received: (who: string, when: string) => string;
    team: (company: string) => string;
    invalid: string;
    yours: string;
    waiting: (when: string) => string;
    answered: (who: string, when: string) => string;
    answerLabel: string;
  };
  actions: string;
  stop: { email: string; sms: string };
  stopped: { email: string; sms: string };
  stoppedNotice: { email: string; sms: string };
  survey: {
    heading: string;
    intro: string;
    legend: string;
    scores: [string, string, string, string, string];
    comment: string;
    send: string;
    thanks: string;
    invalid: string;
  };
  timesIn: (zone: string) => string;
  invalid: { title: string; expired: string; unknown: string };
  /** Stage titles and sentences used when the journey defines none. */
  stages: Record<string, { title: string; sentence: string }>;
}

const TEXTS: Record<PageLanguage, PageTexts> = {
  en: {
    lang: 'en',
    otherLanguage: { lang: 'sv', label: 'På svenska' },
    languageNav: 'Language',
    title: 'Your application',
    forJob: (job) => `Your application for ${job}`,
    atCompany: (company) => `at ${company}`,
    contact: (name) => `Your contact: ${name}`,
    steps: 'The steps of the process',
    stepDone: 'done',
    youAreHere: 'You are here',
    stepAhead: 'ahead',
    next: 'What happens next',
    nextBy: (when) => `You will hear from us by ${when} at the latest.`,
    nextMessage: (what) => `Next from us: ${what}.`,
    purposes: {
      ack: 'confirmation that we have your application',
      stage: 'news about your next step',
      'follow-up': 'an update on where things stand',
      'status-update': 'an update on where things stand',
      'interview-confirmation': 'your interview booking',
      'interview-reminder': 'a reminder of your interview',
      'interview-rescheduled': 'the new time of your interview',
      'interview-canceled': 'word about your interview',
      'interview-update': 'news after your interview',
      closing: 'our answer',
      recruiter: 'a message from your contact',
    },
    noNextKnown: 'We will write to you as soon as there is news.',
    paused: 'Your application is on hold for the moment. We will write to you when it moves on.',
    closed: (stage) => `This process has ended (${stage}). Thank you for the time you gave it.`,
    messages: 'Messages we have sent you',
    noMessages: 'None yet.',
    channel: { email: 'E-mail', sms: 'SMS' },
    statusUpdate: 'Status update',
    ask: {
      heading: 'Ask a question',
      intro: 'A person reads it and answers you.',
      label: 'Your question',
      send: 'Send my question',
      received: (who, when) => `Thank you. ${who} has your question and will answer by ${when}.`,
      team: (company) => `The recruiting team at ${company}`,
      invalid: 'Please write your question first.',
      yours: 'Your questions',
      waiting: (when) => `Waiting for an answer, by ${when} at the latest.`,
      answered: (who, when) => `Answer from ${who}, ${when}:`,
      answerLabel: 'Answer to your question',
    },
    actions: 'What you can do',
    stop: { email: 'Stop e-mails about this application', sms: 'Stop SMS about this application' },
    stopped: { email: 'You get no e-mails about this application.', sms: 'You get no SMS about this application.' },
    stoppedNotice: { email: 'Done: you will get no more e-mails about this application.', sms: 'Done: you will get no more SMS about this application.' },
    survey: {
      heading: 'How was it for you?',
      intro: 'One question, once, and only if you like. Your answer helps the recruiters do better.',
      legend: 'How did you find our recruitment process?',
      scores: ['1: very poor', '2: poor', '3: okay', '4: good', '5: very good'],
      comment: 'Anything you would like to tell us? (optional)',
      send: 'Send my answer',
      thanks: 'Thank you for your answer.',
      invalid: 'Please choose a score from 1 to 5.',
    },
    timesIn: (zone) => `Times are shown in your time zone, ${zone}.`,
    invalid: {
      title: 'Link not valid',
      expired: 'This link has expired. The newest message we sent you has a link that works.',
      unknown: 'This link is not valid. Please use the link in a message we sent you.',
    },
    stages: {
      applied: { title: 'Application received', sentence: 'We have your application, and a person reads it.' },
      screening: { title: 'Screening', sentence: 'We look more closely at your application, often with a short call or a few questions.' },
      interview: { title: 'Interviews', sentence: 'We meet and get to know each other.' },
      offer: { title: 'Offer', sentence: 'We would like to offer you the role; you decide in your own time.' },
      hired: { title: 'Hired', sentence: 'Welcome aboard.' },
      rejected: { title: 'Closed', sentence: 'The process has ended for this application.' },
      withdrawn: { title: 'Withdrawn', sentence: 'The application was withdrawn.' },
    },
  },
  sv: {
    lang: 'sv',
    otherLanguage: { lang: 'en', label: 'In English' },
    languageNav: 'Språk',
    title: 'Din ansökan',
    forJob: (job) => `Din ansökan till ${job}`,
    atCompany: (company) => `hos ${company}`,
    contact: (name) => `Din kontaktperson: ${name}`,
    steps: 'Stegen i processen',
    stepDone: 'klart',
    youAreHere: 'Du är här',
    stepAhead: 'kommer',
    next: 'Vad som händer härnäst',
    nextBy: (when) => `Du hör från oss senast ${when}.`,
    nextMessage: (what) => `Nästa från oss: ${what}.`,
    purposes: {
      ack: 'en bekräftelse på att vi har din ansökan',
      stage: 'besked om nästa steg',
      'follow-up': 'en uppdatering om läget',
      'status-update': 'en uppdatering om läget',
      'interview-confirmation': 'din intervjubokning',
      'interview-reminder': 'en påminnelse om din intervju',
      'interview-rescheduled': 'den nya tiden för din intervju',
      'interview-canceled': 'besked om din intervju',
      'interview-update': 'besked efter din intervju',
      closing: 'vårt besked',
      recruiter: 'ett meddelande från din kontaktperson',
    },
    noNextKnown: 'Vi skriver till dig så snart det finns något nytt.',
    paused: 'Din ansökan är vilande för tillfället. Vi skriver till dig när den går vidare.',
    closed: (stage) => `Processen är avslutad (${stage}). Tack för tiden du lade ner.`,
    messages: 'Meddelanden vi har skickat dig',
    noMessages: 'Inga ännu.',
    channel: { email: 'Mejl', sms: 'Sms' },
    statusUpdate: 'Lägesuppdatering',
    ask: {
      heading: 'Ställ en fråga',
      intro: 'En person läser den och svarar dig.',
      label: 'Din fråga',
      send: 'Skicka min fråga',
      received: (who, when) => `Tack. ${who} har fått din fråga och svarar senast ${when}.`,
      team: (company) => `Rekryteringsteamet på ${company}`,
      invalid: 'Skriv din fråga först.',
      yours: 'Dina frågor',
      waiting: (when) => `Väntar på svar, senast ${when}.`,
      answered: (who, when) => `Svar från ${who}, ${when}:`,
      answerLabel: 'Svar på din fråga',
    },
    actions: 'Vad du kan göra',
    stop: { email: 'Avsluta mejl om denna ansökan', sms: 'Avsluta sms om denna ansökan' },
    stopped: { email: 'Du får inga mejl om denna ansökan.', sms: 'Du får inga sms om denna ansökan.' },
    stoppedNotice: { email: 'Klart: du får inga fler mejl om denna ansökan.', sms: 'Klart: du får inga fler sms om denna ansökan.' },
    survey: {
      heading: 'Hur upplevde du det?',
      intro: 'En fråga, en gång, och bara om du vill. Ditt svar hjälper rekryterarna att bli bättre.',
      legend: 'Hur upplevde du vår rekryteringsprocess?',
      scores: ['1: mycket dålig', '2: dålig', '3: okej', '4: bra', '5: mycket bra'],
      comment: 'Något du vill berätta för oss? (valfritt)',
      send: 'Skicka mitt svar',
      thanks: 'Tack för ditt svar.',
      invalid: 'Välj ett betyg från 1 till 5.',
    },
    timesIn: (zone) => `Tiderna visas i din tidszon, ${zone}.`,
    invalid: {
      title: 'Länken fungerar inte',
      expired: 'Länken har gått ut. Det senaste meddelandet vi skickade dig har en länk som fungerar.',
      unknown: 'Länken är inte giltig. Använd länken i ett meddelande vi har skickat dig.',
    },
    stages: {
      applied: { title: 'Ansökan mottagen', sentence: 'Vi har fått din ansökan, och en människa läser den.' },
      screening: { title: 'Urval', sentence: 'Vi tittar närmare på din ansökan, ofta med ett kort samtal eller några frågor.' },
      interview: { title: 'Intervjuer', sentence: 'Vi träffas och lär känna varandra.' },
      offer: { title: 'Erbjudande', sentence: 'Vi vill erbjuda dig tjänsten; du bestämmer i din egen takt.' },
      hired: { title: 'Anställd', sentence: 'Välkommen ombord.' },
      rejected: { title: 'Avslutad', sentence: 'Processen är avslutad för denna ansökan.' },
      withdrawn: { title: 'Återtagen', sentence: 'Ansökan togs tillbaka.' },
    },
  },
};

/** The page's words for a locale, through the locale chain (sv-SE → sv, anything unknown → en). */
export function pageTexts(locale: string): PageTexts {
  return pickLocale(TEXTS, locale)!.value;
}
