import { Liquid, type Template } from 'liquidjs';
import type { DefinitionError, JourneyDefinition, MessageText } from '../../workflows/engine/definition';
import { messagesWithPaths } from '../../workflows/engine/promise-checks';
import type { JourneyContact } from '../../workflows/shared';
import { pickLocale } from './locale-chain';
import { SMS_SEGMENT_WARNING, smsLength, type SmsLength } from './sms-segments';
import { systemTexts } from './system-texts';
import { emailHtml, type EmailBrand } from './email-html';
import { blocksToText, layoutText, lineBreakWarnings, reflowText } from './text-layout';

// Strict: a placeholder with no value is an error, never a blank in a candidate's message.
const liquid = new Liquid({ strictFilters: true, strictVariables: true, ownPropertyOnly: true });

/** Every placeholder a message may use. A template naming anything else is rejected when it is published. */
export const TEMPLATE_VARIABLES = [
  'candidate.firstName',
  'candidate.lastName',
  'job.title',
  'job.department',
  'recruiter.name',
  'recruiter.email',
  'company.name',
  'interview.start',
  'interview.end',
  'interview.location',
  'interview.link',
  'statusUrl',
] as const;
const KNOWN = new Set<string>(TEMPLATE_VARIABLES);

/** Thrown for a template that cannot be rendered: unknown placeholder, bad syntax, or data the message needs is missing. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    readonly kind: 'TemplateInvalid' | 'TemplateDataMissing' | 'TemplateMissing',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks one message's text at publish time: it parses, and names only known placeholders.
 * Returns the problems (empty when the text is fine).
 */
export function checkTemplate(text: MessageText): string[] {
  const problems: string[] = [];
  for (const [part, source] of [['subject', text.subject], ['body', text.body], ['sms', text.sms]] as const) {
    if (source === undefined) continue;
    try {
      for (const variable of liquid.globalFullVariablesSync(source)) {
        if (!KNOWN.has(variable)) problems.push(`${part}: unknown placeholder {{ ${variable} }} (known: ${TEMPLATE_VARIABLES.join(', ')})`);
      }
    } catch (error) {
      problems.push(`${part}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Formats an ISO time in the candidate's own time zone and language, e.g. "tisdag 3 mars 14:00". */
export function formatLocalTime(iso: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** What a message is rendered with. */
export interface RenderData {
  contact: JourneyContact;
  companyName: string;
  timeZone: string;
  locale: string;
  /** The tenant's logo and accent colour for the HTML part (core/store tenantBranding); Candor's look without them. */
  brand?: Omit<EmailBrand, 'displayName'> | undefined;
  /** The candidate's status page (services/status-page), for `{{ statusUrl }}`; absent where no link was made. */
  statusUrl?: string | undefined;
}

/** What `{{ statusUrl }}` shows in previews and the SMS length check: as long as a real link on a typical host. */
export const SAMPLE_STATUS_URL = 'https://candor.example.com/s/Q2FuZG9yIHN0YXR1cyBwYWdlIHNhbXBsZSB0b2tlbiAx';

const present = (entries: Record<string, string | undefined>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== ''));

/** The Liquid scope: only values we have, so a placeholder without data fails instead of rendering empty. */
export function templateScope(data: RenderData): Record<string, unknown> {
  const { contact } = data;
  const interview = contact.interview;
  return {
    candidate: present({ firstName: contact.firstName, lastName: contact.lastName }),
    job: present({ title: contact.jobTitle, department: contact.department }),
    // A signature without a recruiter's name signs with the company's: a journey still reads naturally.
    recruiter: present({ name: contact.recruiter?.name ?? data.companyName, email: contact.recruiter?.email }),
    company: { name: data.companyName },
    interview: interview
      ? present({
          start: formatLocalTime(interview.start, data.timeZone, data.locale),
          end: interview.end ? formatLocalTime(interview.end, data.timeZone, data.locale) : undefined,
          // A place the ATS did not give is said so in the candidate's language, not left blank.
          location: interview.location ?? interview.link ?? systemTexts(data.locale).locationToBeConfirmed,
          link: interview.link,
        })
      : {},
    ...(data.statusUrl ? { statusUrl: data.statusUrl } : {}),
  };
}

/** Parsed texts, by source: a journey's few dozen texts are parsed once per process, not once per message. */
const parsed = new Map<string, Template[]>();
const PARSED_KEPT = 1000;

function parseOnce(source: string): Template[] {
  let templates = parsed.get(source);
  if (!templates) {
    templates = liquid.parse(source);
    // Oldest first out: texts of versions no journey sends any more.
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
    parsed.set(source, templates);
  }
  return templates;
}

async function renderPart(source: string, scope: Record<string, unknown>, template: string): Promise<string> {
  try {
    return String(await liquid.render(parseOnce(source), scope)).trim();
  } catch (error) {
    const message = (error as Error).message;
    if ((error as Error).name === 'UndefinedVariableError' || /undefined variable/i.test(message)) {
      throw new TemplateError('TemplateDataMissing', `Template ${template}: ${message.split(',')[0]}`);
    }
    throw new TemplateError('TemplateInvalid', `Template ${template}: ${message}`);
  }
}

/** A rendered SMS. */
export interface RenderedSms {
  locale: string;
  text: string;
  length: SmsLength;
}

/** A rendered e-mail: subject, text part, HTML part and its headers. */
export interface RenderedEmail {
  locale: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}


/** Picks the message's words for the locale (sv-FI → sv → en → the first given). */
export function pickMessageText(text: Record<string, MessageText> | undefined, locale: string, template: string): { locale: string; value: MessageText } {
  const picked = pickLocale(text, locale);
  if (!picked) throw new TemplateError('TemplateMissing', `Template ${template} has no text`);
  return picked;
}

// Typographic characters outside GSM-7 that have a GSM-7 look-alike: one of them would make the whole SMS
// UCS-2 (70 characters a segment instead of 160). Dates formatted by Intl may carry the no-break spaces.
const GSM_LOOKALIKES: Record<string, string> = { '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\u2013': '-', '\u2014': '-', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2026': '...' };
const toGsmLookalikes = (text: string) => text.replace(/[\u00a0\u202f\u2009\u2013\u2014\u2018\u2019\u201c\u201d\u2026]/g, (c) => GSM_LOOKALIKES[c]!);

/**
 * Renders an SMS: the message's SMS form (`sms`), else its e-mail body (a subject has no place in an SMS),
 * with its length in segments, laid out by the line-break rule (text-layout.ts). Typographic dashes, quotes
 * and spaces become their GSM-7 look-alikes.
 */
export async function renderSms(template: string, text: Record<string, MessageText> | undefined, data: RenderData): Promise<RenderedSms> {
  const picked = pickMessageText(text, data.locale, template);
  const body = toGsmLookalikes(reflowText(await renderPart(picked.value.sms ?? picked.value.body, templateScope(data), template)));
  return { locale: picked.locale, text: body, length: smsLength(body) };
}

/**
 * Renders an e-mail with a text and an HTML part, an unsubscribe footer and List-Unsubscribe headers (RFC 8058).
 * The body is laid out by the line-break rule (text-layout.ts): paragraphs reflow, breaks only where asked.
 */
export async function renderEmail(
  template: string,
  text: Record<string, MessageText> | undefined,
  data: RenderData,
  unsubscribeUrl: string,
): Promise<RenderedEmail> {
  const picked = pickMessageText(text, data.locale, template);
  const scope = templateScope(data);
  // A subject is one line whatever the YAML did with it.
  const subject = picked.value.subject ? (await renderPart(picked.value.subject, scope, template)).replace(/\s+/g, ' ') : `${data.companyName}`;
  const blocks = layoutText(await renderPart(picked.value.body, scope, template));
  const words = systemTexts(picked.locale);
  return {
    locale: picked.locale,
    subject,
    text: `${blocksToText(blocks)}\n\n--\n${words.emailFooter(unsubscribeUrl)}`,
    html: emailHtml({
      lang: picked.locale,
      subject,
      blocks,
      brand: { displayName: data.companyName, ...data.brand },
      footer: { text: words.emailReason, url: unsubscribeUrl, label: words.unsubscribeLink },
    }),
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** The candidate a preview (and the SMS length check) stands in with when no real data is given. */
export const SAMPLE_CONTACT: JourneyContact = {
  firstName: 'Astrid',
  lastName: 'Lindgren',
  jobTitle: 'Backend Engineer',
  department: 'Engineering',
  recruiter: { name: 'Maja Lind', email: 'maja@acme.example' },
  interview: { id: 'int-1', start: '2026-03-05T09:00:00Z', end: '2026-03-05T10:00:00Z', location: 'Office, Stockholm', link: 'https://meet.example.com/abc' },
};

/** Renders any message with sample data (or real data when given), for a recruiter's preview. */
export async function previewTemplate(
  channel: 'email' | 'sms',
  text: Record<string, MessageText>,
  locale: string,
  data: Partial<RenderData> = {},
): Promise<RenderedEmail | RenderedSms> {
  const sample: RenderData = {
    companyName: data.companyName ?? 'Acme',
    brand: data.brand,
    timeZone: data.timeZone ?? 'Europe/Stockholm',
    locale,
    contact: data.contact ?? SAMPLE_CONTACT,
    statusUrl: data.statusUrl ?? SAMPLE_STATUS_URL,
  };
  return channel === 'sms' ? renderSms('preview', text, sample) : renderEmail('preview', text, sample, 'https://candor.example/unsubscribe/preview');
}

/** Warnings about e-mail bodies whose sign-off the line-break rule would join (see lineBreakWarnings). */
export function bodyLayoutWarnings(definition: JourneyDefinition): DefinitionError[] {
  return lineBreakWarnings(
    messagesWithPaths(definition).flatMap(({ path, message }) => Object.entries(message.text ?? {}).map(([locale, text]) => ({ path: `${path}.text.${locale}.body`, body: text.body }))),
  );
}

/** An SMS form may take this many segments; validation warns above it (GSM-7: 306 characters, UCS-2: 134). */
export const SMS_MAX_SEGMENTS = SMS_SEGMENT_WARNING;

/**
 * Warnings (never errors) about the SMS a candidate reachable only by SMS would get: a message without an SMS
 * form (its e-mail body goes as the SMS), or an SMS form longer than SMS_MAX_SEGMENTS with sample data.
 * Texts that do not render are left to the template check.
 */
export async function smsFormWarnings(definition: JourneyDefinition): Promise<DefinitionError[]> {
  const warnings: DefinitionError[] = [];
  for (const { path, message } of messagesWithPaths(definition)) {
    for (const [locale, text] of Object.entries(message.text ?? {})) {
      let length: SmsLength;
      try {
        length = (await renderSms(message.template, { [locale]: text }, { contact: SAMPLE_CONTACT, companyName: 'Acme', timeZone: definition.defaultTimeZone, locale, statusUrl: SAMPLE_STATUS_URL })).length;
      } catch {
        continue;
      }
      const size = `${length.segments} segment${length.segments === 1 ? '' : 's'} (${length.encoding}, ${length.units} ${length.encoding === 'GSM-7' ? 'characters' : 'UTF-16 units'})`;
      if (text.sms === undefined) {
        warnings.push({ path: `${path}.text.${locale}.sms`, message: `no SMS form: a candidate reachable only by SMS gets the e-mail body, ${size}; add an sms text of at most ${SMS_MAX_SEGMENTS} segments` });
      } else if (length.segments > SMS_MAX_SEGMENTS) {
        warnings.push({
          path: `${path}.text.${locale}.sms`,
          message: `the SMS form is ${size} with sample data; keep it to ${SMS_MAX_SEGMENTS} (306 GSM-7 characters, or 134 if it has any character outside GSM-7, such as an emoji)`,
        });
      }
    }
  }
  return warnings;
}
