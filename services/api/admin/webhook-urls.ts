import { PROVIDERS, type Provider } from '../../adapters';

/** One ATS vendor's webhook for a tenant: where to point the vendor and what it signs with. */
export interface AtsWebhook {
  provider: Provider;
  url: string;
  /** Whether the tenant has an adapter (signing secret) for this vendor; without one the URL answers 404. */
  configured: boolean;
  /** How the vendor signs, and where its settings are. */
  signing: string;
}

/** A tenant's webhook URLs: the ATS ones are per tenant, the messaging providers' are shared by all tenants. */
export interface TenantWebhooks {
  tenant: string;
  ats: AtsWebhook[];
  providers: { name: string; url: string }[];
}

// The paths are the ones services/api/ats-webhooks.ts and services/api/messaging register; the admin e2e
// test posts a signed delivery to the URL shown here, so a drift fails it.
const SIGNING: Record<Provider, string> = {
  greenhouse: 'Greenhouse (Configure > Dev Center > Web Hooks): endpoint URL and secret key; signed in the "Signature: sha256 <hex>" header',
  lever: 'Lever (Settings > Integrations and API > Webhooks): the signature token is the secret; signed in the body (token, triggeredAt, signature)',
  ashby: 'Ashby (Admin > Integrations > Webhooks): the secret token is the secret; signed in the "Ashby-Signature: sha256=<hex>" header',
};

/** The URL an ATS vendor posts a tenant's events to. */
export const atsWebhookUrl = (publicUrl: string, provider: Provider, tenant: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/webhooks/ats/${provider}/${encodeURIComponent(tenant)}`;

/** Every webhook URL of a tenant under `publicUrl` (PUBLIC_URL). */
export function tenantWebhooks(publicUrl: string, tenant: string, configured: readonly string[]): TenantWebhooks {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    tenant,
    ats: PROVIDERS.map((provider) => ({ provider, url: atsWebhookUrl(base, provider, tenant), configured: configured.includes(provider), signing: SIGNING[provider] })),
    providers: [
      { name: 'twilio-status', url: `${base}/webhooks/providers/twilio/status` },
      { name: 'twilio-inbound', url: `${base}/webhooks/providers/twilio/inbound` },
      { name: 'sendgrid-events', url: `${base}/webhooks/providers/sendgrid/events` },
    ],
  };
}
