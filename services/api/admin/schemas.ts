import { z } from 'zod';
import { AdapterConfig, PROVIDERS } from '../../adapters';
import { TENANT_ID_PATTERN } from '../../../core/store';
import { contrastRatio, MIN_ACCENT_CONTRAST } from '../../../core/messaging/colour';
import { isValidTimeZone } from '../../../workflows/engine/time-zone';

// The admin API's request schemas; the OpenAPI document describes the adapter body from the same schema.

export const TenantId = z.string().regex(TENANT_ID_PATTERN, 'must be 1–63 lowercase letters, digits or dashes, starting with a letter or digit');
export const KeyId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a key id');
export const Provider = z.enum(PROVIDERS);
export type Provider = z.infer<typeof Provider>;
export const Label = z.string().trim().max(100, 'must be at most 100 characters');

export const TenantParams = z.object({ tenantId: TenantId });
export const KeyParams = z.object({ tenantId: TenantId, keyId: KeyId });
export const AdapterParams = z.object({ tenantId: TenantId, provider: Provider });

export const CreateTenant = z.strictObject({
  id: TenantId,
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
});
export const CreateKey = z.strictObject({ label: Label.default('') });

/** An adapter's config as an operator sets it: unknown fields are refused rather than dropped, so a typo is seen. */
export const AdapterSettings = AdapterConfig.extend({
  defaultTimeZone: z.string().refine(isValidTimeZone, 'is not an IANA time zone (e.g. Europe/Stockholm)').optional(),
}).strict();
/** The body of PUT /admin/v1/tenants/{tenantId}/adapters/{provider}. */
export const SetAdapter = z.strictObject({
  /** The vendor's signing secret; left out, an existing adapter keeps its secret. */
  secret: z
    .string()
    .min(16, 'must be at least 16 characters (use the secret the vendor shows, or `openssl rand -hex 32`)')
    .max(1024, 'must be at most 1024 characters')
    .refine((s) => s.trim() === s, 'must not start or end with whitespace')
    .optional(),
  /** Stage mapping, archive reasons and defaults; left out, an existing adapter keeps its config. */
  config: AdapterSettings.optional(),
});


/**
 * The body of PUT /admin/v1/tenants/{tenantId}/branding: what candidates see of the tenant. A setting left
 * out keeps its value, null clears it (back to the default: the tenant's name, no logo, Candor's colour,
 * Candor's sending address).
 */
export const SetBranding = z.strictObject({
  displayName: z
    .string()
    .trim()
    .min(1, 'must not be empty (use null to go back to the tenant\'s name)')
    .max(100, 'must be at most 100 characters')
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must be one line of text')
    .nullable()
    .optional(),
  logoUrl: z
    .url({ protocol: /^https$/, error: 'must be an https:// URL of an image (e-mails show the display name when it does not load)' })
    .max(2000, 'must be at most 2000 characters')
    .nullable()
    .optional(),
  accentColour: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a56db')
    .transform((c) => c.toLowerCase())
    .superRefine((c, ctx) => {
      const ratio = contrastRatio(c, '#ffffff');
      if (ratio < MIN_ACCENT_CONTRAST) ctx.addIssue({ code: 'custom', message: `is too light for links on white (contrast ${ratio.toFixed(1)}:1, needs ${MIN_ACCENT_CONTRAST}:1); pick a darker shade` });
    })
    .nullable()
    .optional(),
  sendingDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name like mail.acme.com (authenticated with the e-mail provider)')
    .nullable()
    .optional(),
});
export type SetBranding = z.infer<typeof SetBranding>;

/** PUT /admin/v1/tenants/:tenantId/alert-settings: a field left out keeps its value, null clears it. */
export const SetAlertSettings = z.strictObject({
  delivery: z.enum(['immediate', 'digest']).optional(),
  digestHour: z.number().int().min(0).max(23).optional(),
  slackWebhookUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
  fallbackEmail: z.email().nullable().optional(),
  escalateAfterMinutes: z.number().int().min(5).max(43_200).nullable().optional(),
});
export type SetAlertSettings = z.infer<typeof SetAlertSettings>;
