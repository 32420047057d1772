import { z } from 'zod';
import { StageCategory, type StageRef } from '../events/schemas';
import type { AtsEvent } from '../events/envelope';

/** The ATS vendors Candor has webhook adapters for. */
export const PROVIDERS = ['greenhouse', 'lever', 'ashby'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** A tenant's adapter settings for one vendor (column `ats_adapters.config`). */
export const AdapterConfig = z.object({
  /** Vendor stage id or name (case-insensitive) → Candor's category. Unlisted stages are guessed from their name. */
  stages: z.record(z.string(), StageCategory).default({}),
  /** Lever archive reason id → outcome: Lever reports rejections, withdrawals and hires as archive reasons. */
  archiveReasons: z.record(z.string(), z.enum(['rejected', 'withdrawn', 'hired'])).default({}),
  /** Locale and time zone for candidates the ATS sends none for. */
  defaultLocale: z.string().optional(),
  defaultTimeZone: z.string().optional(),
});
export type AdapterConfig = z.infer<typeof AdapterConfig>;

/** One tenant's adapter for one vendor. */
export interface TenantAdapter {
  tenant: string;
  provider: Provider;
  secret: string;
  config: AdapterConfig;
}

/** What a vendor sent, as the adapter sees it. */
export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** An adapter's answer: the events to produce (possibly none, for actions Candor does not use). */
export type MapResult = { events: AtsEvent[] } | { ignored: string };

/** A vendor adapter: verifies a delivery and maps it to Candor's events. */
export interface VendorAdapter {
  provider: Provider;
  /** Checks the vendor's signature over the raw body (timing-safe); false means 401. */
  verify(request: WebhookRequest, secret: string): boolean;
  /** Maps a verified payload; throws `PayloadError` when the payload is not the vendor's shape. */
  map(payload: unknown, adapter: TenantAdapter, rawBody: Buffer): MapResult;
}

/** The payload is not what the vendor documents (answered 422: retrying cannot help). */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

const GUESSES: [RegExp, z.infer<typeof StageCategory>][] = [
  [/hired/i, 'hired'],
  [/offer/i, 'offer'],
  [/reject|declin|archiv/i, 'rejected'],
  [/withdr/i, 'withdrawn'],
  [/interview|onsite|on-site|assessment|panel|technical/i, 'interview'],
  [/screen|phone|call/i, 'screening'],
  [/new|applied|application|review|lead/i, 'applied'],
];

/** A vendor stage mapped to a category: by the tenant's mapping (id, then name), else guessed from the name. */
export function mapStage(config: AdapterConfig, stage: { id: string; name: string }): StageRef {
  const byName = Object.entries(config.stages).find(([k]) => k.toLowerCase() === stage.name.toLowerCase())?.[1];
  const category = config.stages[stage.id] ?? byName ?? GUESSES.find(([pattern]) => pattern.test(stage.name))?.[1] ?? 'screening';
  return { id: stage.id, name: stage.name, category };
}
