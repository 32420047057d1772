import { z } from 'zod';
import { StageCategory, type StageRef } from '../../core/events/schemas';
import type { AtsEvent } from '../../core/events/envelope';

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

/** A candidate id and one of their application ids, as a delivery named them. */
export interface CandidateLink {
  candidateId: string;
  applicationId: string;
}

/**
 * An adapter's answer: the events to produce (possibly none, for actions Candor does not use), the
 * candidate-to-application links the delivery showed, and candidates whose links go with an erasure.
 */
export type MapResult = { events: AtsEvent[]; links?: CandidateLink[]; forget?: string[] } | { ignored: string };

/** What an adapter may look up while mapping: the applications known for a candidate of this tenant. */
export interface MapContext {
  applicationsOf(candidateId: string): Promise<string[]>;
}

/** A signed one-time delivery token and the time it was signed at (epoch milliseconds). */
export interface DeliveryToken {
  token: string;
  signedAt: number;
}

/** A vendor adapter: verifies a delivery and maps it to Candor's events. */
export interface VendorAdapter {
  provider: Provider;
  /** Checks the vendor's signature (timing-safe); false means 401. */
  verify(request: WebhookRequest, secret: string): boolean;
  /**
   * For vendors whose signature covers a token and a time rather than the body (Lever): the signed
   * token, which the route accepts once per body and only while its time is fresh.
   */
  deliveryToken?(request: WebhookRequest): DeliveryToken | undefined;
  /** Maps a verified payload; throws `PayloadError` when the payload is not the vendor's shape. */
  map(payload: unknown, adapter: TenantAdapter, request: WebhookRequest, context: MapContext): MapResult | Promise<MapResult>;
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
