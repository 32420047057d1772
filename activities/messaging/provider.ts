import type { CarriedWrite } from '../../core/store/database';
import type { MailAddress } from '../../core/messaging/sender';

/** One message as a provider sends it: already rendered, addressed and tagged with Candor's ids. */
export interface OutboundMessage {
  messageId: string;
  tenant: string;
  applicationId: string;
  channel: 'email' | 'sms';
  /** E.164 phone number or e-mail address. */
  to: string;
  template: string;
  locale: string;
  subject?: string;
  /** The SMS body, or the e-mail's text part. */
  text: string;
  html?: string;
  /** Who the e-mail is from and where replies go (core/messaging/sender.ts); a provider without them uses its own address. */
  from?: MailAddress;
  replyTo?: MailAddress;
  /** Extra e-mail headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** Where the provider posts status callbacks for this message, when it supports per-message callbacks. */
  statusCallback?: string;
}

/** What a provider said when it took a message. */
export interface Accepted {
  providerMessageId: string;
  /** True when acceptance is already final delivery (the sandbox); real providers report it by webhook. */
  delivered: boolean;
  /** The provider wrote the ledger's acceptance itself, with its own record of the message (SendOptions.acceptance). */
  recorded?: boolean;
}

/** What the send path hands a provider with a message. */
export interface SendOptions {
  /**
   * The ledger write that records the message as taken (core/store/ledger.ts acceptanceWrite). A provider that stores
   * the message in Candor's own database (the sandbox) may carry it in that write and say so (Accepted.recorded), which
   * spares the send path a statement; any other provider leaves it to the send path.
   */
  acceptance?: (accepted: Omit<Accepted, 'recorded'>) => CarriedWrite;
}

/** A channel's provider: Twilio, SendGrid or the sandbox. Errors are thrown as classified ProviderErrors. */
export interface Provider {
  readonly name: string;
  /** An e-mail provider's own sending address (SENDGRID_FROM; the sandbox's stand-in), which the sender rules start from. */
  readonly emailFrom?: string;
  send(message: OutboundMessage, options?: SendOptions): Promise<Accepted>;
  /**
   * Looks for a message this provider already accepted for `message` since `since` (a send whose
   * ledger write was lost). Providers that cannot be asked leave it out; see README "the ledger's window".
   */
  findAccepted?(message: OutboundMessage, since: Date): Promise<string | undefined>;
}

/** The provider for each channel. */
export interface Providers {
  sms: Provider;
  email: Provider;
}
