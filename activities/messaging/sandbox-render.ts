import { Liquid } from 'liquidjs';
import type { MessageText } from '../../workflows/engine/definition';
import type { JourneyContact } from '../../workflows/shared';

const liquid = new Liquid({ strictFilters: true });

/** The words of one message in the candidate's language: exact locale, then its language, then the first given. */
export function pickText(text: Record<string, MessageText> | undefined, locale: string): MessageText | undefined {
  if (!text) return undefined;
  return text[locale] ?? text[locale.split('-')[0]!] ?? text.en ?? Object.values(text)[0];
}

/** Formats an ISO time in the candidate's own time zone and language, e.g. "Tuesday 3 March, 14:00". */
export function formatLocalTime(iso: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** Renders a message's subject and body with the candidate's details (Liquid placeholders). */
export async function renderMessage(
  text: MessageText,
  params: { contact: JourneyContact; companyName: string; timeZone: string; locale: string },
): Promise<{ subject: string | undefined; body: string }> {
  const { contact } = params;
  const scope = {
    candidate: { firstName: contact.firstName ?? '', lastName: contact.lastName ?? '' },
    job: { title: contact.jobTitle ?? '', department: contact.department ?? '' },
    recruiter: { name: contact.recruiter?.name ?? '', email: contact.recruiter?.email ?? '' },
    company: { name: params.companyName },
    interview: contact.interview
      ? {
          start: formatLocalTime(contact.interview.start, params.timeZone, params.locale),
          end: contact.interview.end ? formatLocalTime(contact.interview.end, params.timeZone, params.locale) : '',
          location: contact.interview.location ?? contact.interview.link ?? '',
          link: contact.interview.link ?? '',
        }
      : {},
  };
  return {
    subject: text.subject ? String(await liquid.parseAndRender(text.subject, scope)).trim() : undefined,
    body: String(await liquid.parseAndRender(text.body, scope)).trim(),
  };
}
