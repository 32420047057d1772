import { systemTexts } from './system-texts';

/** An e-mail address with the name a mail client shows for it. */
export interface MailAddress {
  name: string;
  email: string;
}

/** Who an e-mail is from and where the candidate's reply goes. */
export interface EmailSender {
  from: MailAddress;
  replyTo: MailAddress;
}

/** The sandbox's own sending address (it sends nothing; the outbox shows it as a provider's would be). */
export const SANDBOX_EMAIL_FROM = 'candidates@sandbox.candor.invalid';

// A display name is one line of plain text (the SDKs quote and encode it).
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * The sender rules (README, "Who an e-mail comes from"), given Candor's sending address for the provider
 * (SENDGRID_FROM, or the sandbox's):
 * - A tenant with a sending domain (authenticated with the provider) sends from the same mailbox name at its
 *   own domain, as the recruiter named on the application, "Maja Lind at Acme" ("på" in Swedish), or as the
 *   company when no recruiter is named.
 * - Any other tenant sends from Candor's address, as the company: a person's name on a shared domain
 *   would read as someone else's mail.
 * - Replies always come back to Candor: Reply-To is Candor's address, plus-tagged with the tenant.
 */
export function emailSender(input: { platformFrom: string; tenant: string; displayName: string; sendingDomain?: string | undefined; recruiterName?: string | undefined; locale: string }): EmailSender {
  const at = input.platformFrom.lastIndexOf('@');
  const local = input.platformFrom.slice(0, at);
  const domain = input.platformFrom.slice(at + 1);
  const company = oneLine(input.displayName);
  const person = input.recruiterName ? oneLine(input.recruiterName) : '';
  const personal = Boolean(input.sendingDomain) && person !== '' && person !== company;
  const name = personal ? systemTexts(input.locale).senderAt(person, company) : company;
  return {
    from: { name, email: input.sendingDomain ? `${local}@${input.sendingDomain}` : input.platformFrom },
    replyTo: { name, email: `${local.split('+')[0]}+${input.tenant}@${domain}` },
  };
}

/** An address as a mail header shows it: `"Maja Lind at Acme" <jobs@acme.example>`. */
export function formatAddress(address: MailAddress): string {
  return `"${address.name.replace(/["\\]/g, (c) => `\\${c}`)}" <${address.email}>`;
}
