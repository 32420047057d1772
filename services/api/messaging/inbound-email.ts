import { ID_PATTERN } from '../../../workflows/shared';

/** The fields of a SendGrid Inbound Parse post that Candor reads (all strings, as the form carries them). */
export interface InboundParseFields {
  to: string;
  from: string;
  /** JSON: { to: string[], from: string }, the SMTP envelope. */
  envelope: string;
  text: string;
  html: string;
  /** The raw header block. */
  headers: string;
}

/** A candidate's e-mail reply as Candor uses it. */
export interface InboundEmail {
  /** From the plus tag of the address it was sent to (Reply-To is jobs+<tenant>@…, core/messaging/sender.ts). */
  tenant: string;
  /** The sender's address, lower-cased. */
  from: string;
  /** What they wrote, without the quoted message they answered. */
  text: string;
  /** The Message-ID header: a redelivered post is the same question. */
  messageId: string | undefined;
}

const ADDRESS = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/;
// Where a reply starts quoting: "On … wrote:", "Den … skrev:", Outlook's separator, or a ">" line.
const QUOTE_START = /^(on\s.+wrote:|den\s.+skrev.*:|-{2,}\s*original message\s*-{2,}|-{2,}\s*ursprungligt meddelande\s*-{2,}|from:\s.+|från:\s.+|>.*)$/i;

/** The reply above the quoted text, trimmed. */
export function replyText(text: string): string {
  const kept: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (QUOTE_START.test(line.trim())) break;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

function envelopeOf(json: string): { to: string[]; from: string | undefined } {
  try {
    const value = JSON.parse(json) as { to?: unknown; from?: unknown };
    return { to: Array.isArray(value.to) ? value.to.filter((t): t is string => typeof t === 'string') : [], from: typeof value.from === 'string' ? value.from : undefined };
  } catch {
    return { to: [], from: undefined };
  }
}

/**
 * Reads an Inbound Parse post: which tenant it is for (the plus tag), who sent it, and the reply without its quote.
 * Undefined when it names no tenant or sender (spam to the parse domain, a bounce).
 */
export function parseInboundEmail(fields: InboundParseFields): InboundEmail | undefined {
  const envelope = envelopeOf(fields.envelope);
  let tenant: string | undefined;
  for (const to of [...envelope.to, ...fields.to.split(',')]) {
    const tag = /\+([^@\s<>]+)@/.exec(to)?.[1];
    if (tag && ID_PATTERN.test(tag)) {
      tenant = tag;
      break;
    }
  }
  const from = (ADDRESS.exec(fields.from)?.[0] ?? envelope.from ?? '').toLowerCase();
  if (!tenant || !from) return undefined;
  const plain = fields.text !== '' ? fields.text : fields.html.replace(/<br\s*\/?>|<\/p>/gi, '\n').replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const messageId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(fields.headers)?.[1];
  return { tenant, from, text: replyText(plain), messageId };
}
