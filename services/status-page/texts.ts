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
  /** Interviews on the candidate's terms: choosing a slot, asking for another time, accessibility needs. */
  interview: {
    heading: string;
    pageTitle: string;
    choose: string;
    chooseLink: string;
    changeLink: string;
    legend: string;
    book: string;
    move: string;
    booked: (when: string) => string;
    bookedNotice: (when: string) => string;
    taken: string;
    gone: string;
    none: string;
    noneLeft: string;
    otherHeading: string;
    otherIntro: string;
    otherLabel: string;
    otherSend: string;
    otherNotice: (who: string) => string;
    awaiting: (who: string) => string;
    needsHeading: string;
    needsIntro: string;
    needsLabel: string;
    needsSend: string;
    needsStated: string;
    needsNotice: (who: string) => string;
    back: string;
    place: (where: string) => string;
  };
  /** Withdrawing the application: the button, the confirmation step, and what the page says after. */
  withdraw: {
    heading: string;
    intro: string;
    button: string;
    confirmTitle: string;
    confirmText: (job: string) => string;
    confirm: string;
    cancel: string;
    done: string;
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
      'interview-slots': 'times for your interview to choose from',
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
    interview: {
      heading: 'Your interview',
      pageTitle: 'Choose a time for your interview',
      choose: 'You can choose a time for your interview that suits you.',
      chooseLink: 'Choose a time for your interview',
      changeLink: 'Change the time, or tell us what you need',
      legend: 'Times you can choose from',
      book: 'Book this time',
      move: 'Move to this time',
      booked: (when) => `Your interview is booked for ${when}.`,
      bookedNotice: (when) => `Done: your interview is booked for ${when}. A confirmation is on its way, and reminders will follow this time.`,
      taken: 'Someone else booked that time a moment ago. Please choose one of the times still free.',
      gone: 'That time can no longer be booked. Please choose another one.',
      none: 'No times have been offered yet. We will write to you when there are some.',
      noneLeft: 'All the times offered have been booked. Ask for another time below and we will find one.',
      otherHeading: 'None of these times work?',
      otherIntro: 'Tell us which days and times suit you, and we will come back with new ones.',
      otherLabel: 'Times that suit you (optional)',
      otherSend: 'Ask for another time',
      otherNotice: (who) => `Thank you. ${who} has your request and will come back with new times.`,
      awaiting: (who) => `You asked for another time. ${who} will come back with new times.`,
      needsHeading: 'Anything we should arrange for you?',
      needsIntro: 'For example step-free access, a sign-language interpreter, extra time or a quiet room. Only your contact at the company sees this.',
      needsLabel: 'What you need (only your contact sees it)',
      needsSend: 'Send to my contact',
      needsStated: 'You have told us what you need. You can change it here.',
      needsNotice: (who) => `Thank you. ${who} has what you need and will arrange it.`,
      back: 'Back to your application',
      place: (where) => `Where: ${where}`,
    },
    withdraw: {
      heading: 'Withdraw your application',
      intro: 'If you no longer want to be considered, you can withdraw. You will get a last message from us.',
      button: 'Withdraw my application…',
      confirmTitle: 'Withdraw your application?',
      confirmText: (job) => `Your application for ${job} will be closed and we will not contact you about it again, apart from a last message confirming it. This cannot be undone here.`,
      confirm: 'Yes, withdraw my application',
      cancel: 'No, keep my application',
      done: 'Your application is withdrawn. We have told the recruiting team, and a last message confirms it.',
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
      'interview-slots': 'tider för din intervju att välja bland',
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
    interview: {
      heading: 'Din intervju',
      pageTitle: 'Välj en tid för din intervju',
      choose: 'Du kan välja en tid för din intervju som passar dig.',
      chooseLink: 'Välj en tid för din intervju',
      changeLink: 'Byt tid, eller berätta vad du behöver',
      legend: 'Tider du kan välja bland',
      book: 'Boka den här tiden',
      move: 'Flytta till den här tiden',
      booked: (when) => `Din intervju är bokad ${when}.`,
      bookedNotice: (when) => `Klart: din intervju är bokad ${when}. En bekräftelse är på väg, och påminnelserna följer den här tiden.`,
      taken: 'Någon annan bokade den tiden alldeles nyss. Välj en av tiderna som fortfarande är lediga.',
      gone: 'Den tiden går inte längre att boka. Välj en annan.',
      none: 'Inga tider har erbjudits ännu. Vi skriver till dig när det finns några.',
      noneLeft: 'Alla erbjudna tider är bokade. Be om en annan tid nedan så hittar vi en.',
      otherHeading: 'Passar ingen av tiderna?',
      otherIntro: 'Berätta vilka dagar och tider som passar dig, så återkommer vi med nya.',
      otherLabel: 'Tider som passar dig (valfritt)',
      otherSend: 'Be om en annan tid',
      otherNotice: (who) => `Tack. ${who} har fått din förfrågan och återkommer med nya tider.`,
      awaiting: (who) => `Du har bett om en annan tid. ${who} återkommer med nya tider.`,
      needsHeading: 'Något vi bör ordna för dig?',
      needsIntro: 'Till exempel tillgänglighet utan trappor, teckenspråkstolk, extra tid eller ett tyst rum. Bara din kontaktperson på företaget ser detta.',
      needsLabel: 'Vad du behöver (bara din kontaktperson ser det)',
      needsSend: 'Skicka till min kontaktperson',
      needsStated: 'Du har berättat vad du behöver. Du kan ändra det här.',
      needsNotice: (who) => `Tack. ${who} vet vad du behöver och ordnar det.`,
      back: 'Tillbaka till din ansökan',
      place: (where) => `Plats: ${where}`,
    },
    withdraw: {
      heading: 'Dra tillbaka din ansökan',
      intro: 'Om du inte längre vill vara med kan du dra tillbaka din ansökan. Du får ett sista meddelande från oss.',
      button: 'Dra tillbaka min ansökan …',
      confirmTitle: 'Dra tillbaka din ansökan?',
      confirmText: (job) => `Din ansökan till ${job} avslutas och vi kontaktar dig inte mer om den, utom med ett sista meddelande som bekräftar det. Det går inte att ångra här.`,
      confirm: 'Ja, dra tillbaka min ansökan',
      cancel: 'Nej, behåll min ansökan',
      done: 'Din ansökan är tillbakadragen. Vi har meddelat rekryteringsteamet, och ett sista meddelande bekräftar det.',
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
