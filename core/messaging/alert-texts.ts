import { pickLocale } from './locale-chain';

/** One alert as a notification describes it: what happened to whom, and where to act on it. */
export interface AlertLine {
  reason: string;
  applicationId: string;
  candidateName?: string | undefined;
  jobTitle?: string | undefined;
  days?: number | null | undefined;
  consoleUrl: string;
}

/** The words of recruiter alert notifications in one language. */
export interface AlertTexts {
  locale: string;
  reason(reason: string, days: number | null | undefined): string;
  subject(line: AlertLine): string;
  digestSubject(count: number): string;
  escalationSubject(line: AlertLine): string;
  intro: string;
  digestIntro(count: number): string;
  escalationIntro(minutes: number): string;
  open: string;
  footer: string;
}

const who = (line: AlertLine) => `${line.candidateName ?? line.applicationId}${line.jobTitle ? ` (${line.jobTitle})` : ''}`;

const TEXTS: Record<string, AlertTexts> = {
  en: {
    locale: 'en',
    reason: (reason, days) =>
      ({
        'max-silence': `has not heard from us for ${days ?? 'too many'} days`,
        waiting: `has been waiting ${days ?? 'too many'} days without a decision`,
        'all-channels-failed': 'could not be reached on any channel',
        'no-contact': 'has no address we may write to',
        'details-missing': 'is missing details a message needs',
        'unanswered-question': 'asked a question that is still unanswered',
        'low-survey-score': 'gave the process a low score',
        'reschedule-requested': 'asked for another interview time',
        'accessibility-needs': 'stated accessibility needs for the interview',
      })[reason] ?? `needs attention (${reason})`,
    subject: (line) => `Candor alert: ${who(line)}`,
    digestSubject: (count) => `Candor: ${count} open alert${count === 1 ? '' : 's'} today`,
    escalationSubject: (line) => `Escalated Candor alert: ${who(line)}`,
    intro: 'A candidate needs your attention:',
    digestIntro: (count) => `${count} candidate alert${count === 1 ? '' : 's'} since the last digest:`,
    escalationIntro: (minutes) => `This alert has not been resolved within ${minutes} minutes:`,
    open: 'Open in the console',
    footer: 'Acknowledge or resolve it in the console, or reply to the candidate.',
  },
  sv: {
    locale: 'sv',
    reason: (reason, days) =>
      ({
        'max-silence': `har inte hört av oss på ${days ?? 'för många'} dagar`,
        waiting: `har väntat i ${days ?? 'för många'} dagar utan besked`,
        'all-channels-failed': 'gick inte att nå i någon kanal',
        'no-contact': 'saknar en adress vi får skriva till',
        'details-missing': 'saknar uppgifter som ett meddelande behöver',
        'unanswered-question': 'har ställt en fråga som ännu inte besvarats',
        'low-survey-score': 'gav processen ett lågt betyg',
        'reschedule-requested': 'bad om en annan intervjutid',
        'accessibility-needs': 'har angett behov av anpassning inför intervjun',
      })[reason] ?? `behöver uppmärksamhet (${reason})`,
    subject: (line) => `Candor-larm: ${who(line)}`,
    digestSubject: (count) => `Candor: ${count} ${count === 1 ? 'öppet larm' : 'öppna larm'} i dag`,
    escalationSubject: (line) => `Eskalerat Candor-larm: ${who(line)}`,
    intro: 'En kandidat behöver din uppmärksamhet:',
    digestIntro: (count) => `${count} ${count === 1 ? 'larm' : 'larm'} om kandidater sedan förra sammanfattningen:`,
    escalationIntro: (minutes) => `Det här larmet har inte lösts inom ${minutes} minuter:`,
    open: 'Öppna i konsolen',
    footer: 'Kvittera eller lös larmet i konsolen, eller svara kandidaten.',
  },
  de: {
    locale: 'de',
    reason: (reason, days) =>
      ({
        'max-silence': `hat seit ${days ?? 'zu vielen'} Tagen nichts von uns gehört`,
        waiting: `wartet seit ${days ?? 'zu vielen'} Tagen auf eine Entscheidung`,
        'all-channels-failed': 'war auf keinem Kanal erreichbar',
        'no-contact': 'hat keine Adresse, an die wir schreiben dürfen',
        'details-missing': 'es fehlen Angaben, die eine Nachricht braucht',
        'unanswered-question': 'hat eine Frage gestellt, die noch offen ist',
        'low-survey-score': 'hat den Prozess schlecht bewertet',
        'reschedule-requested': 'hat um einen anderen Interviewtermin gebeten',
        'accessibility-needs': 'hat Bedarf an Barrierefreiheit für das Interview angegeben',
      })[reason] ?? `braucht Aufmerksamkeit (${reason})`,
    subject: (line) => `Candor-Hinweis: ${who(line)}`,
    digestSubject: (count) => `Candor: ${count} offene${count === 1 ? 'r Hinweis' : ' Hinweise'} heute`,
    escalationSubject: (line) => `Eskalierter Candor-Hinweis: ${who(line)}`,
    intro: 'Eine Bewerberin oder ein Bewerber braucht Ihre Aufmerksamkeit:',
    digestIntro: (count) => `${count} Hinweis${count === 1 ? '' : 'e'} seit der letzten Zusammenfassung:`,
    escalationIntro: (minutes) => `Dieser Hinweis wurde nicht innerhalb von ${minutes} Minuten gelöst:`,
    open: 'In der Konsole öffnen',
    footer: 'Bestätigen oder lösen Sie ihn in der Konsole, oder antworten Sie der Person.',
  },
};

/** The alert texts for a locale along its chain (sv-SE -> sv), English when Candor has none. */
export function alertTexts(locale: string | undefined): AlertTexts {
  return pickLocale(TEXTS, locale ?? 'en', 'en')?.value ?? TEXTS.en!;
}

/** One alert as a line of plain text: who, what, and the console link. */
export function alertLineText(texts: AlertTexts, line: AlertLine): string {
  return `- ${who(line)} ${texts.reason(line.reason, line.days)}\n  ${texts.open}: ${line.consoleUrl}`;
}
