import { z } from 'zod';
import { checkTemplate, previewTemplate as renderPreview } from '../messaging/templates';
import { Channel, isValidTimeZone, messagesWithPaths, TemplateKey, type DefinitionError, type JourneyDefinition } from '../../workflows/engine';

/** A template preview request: which message, on which channel and in which language, filled with which sample data. */
export const PreviewRequest = z
  .object({
    template: TemplateKey,
    channel: Channel.optional(),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'expected a locale like "en" or "sv-SE"').optional(),
    timeZone: z.string().refine(isValidTimeZone, 'expected an IANA time zone like "Europe/Stockholm"').optional(),
    sample: z
      .object({
        candidate: z.object({ firstName: z.string().optional(), lastName: z.string().optional() }).strict().optional(),
        job: z.object({ title: z.string().optional(), department: z.string().optional() }).strict().optional(),
        recruiter: z.object({ name: z.string().optional(), email: z.string().optional() }).strict().optional(),
        interview: z
          .object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }).optional(), location: z.string().optional(), link: z.string().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
/** A template preview request. */
export type PreviewRequest = z.infer<typeof PreviewRequest>;

/** The templates a definition uses, for "unknown template" messages. */
export const templatesOf = (definition: JourneyDefinition): string[] => [...new Set(messagesWithPaths(definition).map((m) => m.message.template))].sort();

/** Template problems (bad Liquid, unknown placeholders) with the path of the text they are in; empty when every text renders. */
export function templateProblems(definition: JourneyDefinition): DefinitionError[] {
  return messagesWithPaths(definition).flatMap(({ path, message }) =>
    Object.entries(message.text ?? {}).flatMap(([locale, text]) => checkTemplate(text).map((problem) => ({ path: `${path}.text.${locale}`, message: problem }))),
  );
}

/**
 * Renders one of the definition's messages exactly as the messaging activity would (e-mail with its footer,
 * or SMS with its segment count), with sample data standing in for the candidate. Undefined when the
 * definition has no such template.
 */
export async function previewTemplate(definition: JourneyDefinition, request: PreviewRequest, company: string | { displayName: string; logoUrl?: string | undefined; accentColour?: string | undefined }) {
  const brand = typeof company === 'string' ? { displayName: company } : company;
  const found = messagesWithPaths(definition).find((m) => m.message.template === request.template);
  if (!found) return undefined;
  const channel = request.channel ?? found.message.channel ?? definition.channels[0]!;
  const locale = request.locale ?? definition.defaultLocale;
  const sample = request.sample ?? {};
  // Every placeholder gets a value: what the request gives, else a sample, so any template can be previewed.
  const rendered = await renderPreview(channel, found.message.text ?? {}, locale, {
    companyName: brand.displayName,
    brand: { logoUrl: brand.logoUrl, accentColour: brand.accentColour },
    timeZone: request.timeZone ?? definition.defaultTimeZone,
    contact: {
      firstName: sample.candidate?.firstName ?? 'Ada',
      lastName: sample.candidate?.lastName ?? 'Lovelace',
      jobTitle: sample.job?.title ?? 'Backend Engineer',
      department: sample.job?.department ?? 'Engineering',
      recruiter: { name: sample.recruiter?.name ?? 'Grace Hopper', email: sample.recruiter?.email ?? 'grace@example.com' },
      interview: {
        id: 'preview',
        start: sample.interview?.start ?? '2026-03-05T09:00:00Z',
        end: sample.interview?.end ?? '2026-03-05T10:00:00Z',
        location: sample.interview?.location ?? 'Office',
        link: sample.interview?.link ?? 'https://meet.example.com/preview',
      },
    },
  });
  return { template: request.template, path: found.path, channel, ...rendered };
}
