/**
 * How a message's text is laid out, for template authors (README, "Writing messages"):
 * - A blank line separates paragraphs.
 * - Inside a paragraph, a single line break is only where the YAML wrapped the text: the lines join with
 *   a space and the reader's screen wraps the paragraph (no break in mid-sentence on a phone).
 * - A line that ends with a backslash `\` keeps its break (a sign-off, an address); the backslash goes.
 * - A paragraph whose first line starts with "- " or "* " is a list: each such line starts an item, and
 *   lines without the marker continue the item before them.
 * The plain-text part, the HTML part and an SMS made from an e-mail body are all built from this one layout.
 */

/** One block of a laid-out text. */
export type TextBlock = { kind: 'paragraph'; lines: string[] } | { kind: 'list'; items: string[] };

const ITEM = /^[-*]\s+/;

/** Splits rendered text into paragraphs (each a list of the lines the author asked for) and lists. */
export function layoutText(text: string): TextBlock[] {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((line) => line.trim()).filter((line) => line !== ''))
    .filter((lines) => lines.length > 0);
  return paragraphs.map((lines): TextBlock => {
    if (ITEM.test(lines[0]!)) {
      const items: string[] = [];
      for (const line of lines) {
        if (ITEM.test(line)) items.push(line.replace(ITEM, '').replace(/\s*\\$/, ''));
        else items[items.length - 1] = `${items[items.length - 1]} ${line.replace(/\s*\\$/, '')}`;
      }
      return { kind: 'list', items };
    }
    const out: string[] = [];
    let current = '';
    for (const line of lines) {
      const hard = line.endsWith('\\');
      const words = hard ? line.slice(0, -1).trimEnd() : line;
      current = current ? `${current} ${words}` : words;
      if (hard) {
        out.push(current);
        current = '';
      }
    }
    if (current) out.push(current);
    return { kind: 'paragraph', lines: out };
  });
}

/** The laid-out text as plain text: one line per paragraph (mail clients wrap it), the author's breaks kept, lists as "- item". */
export function blocksToText(blocks: TextBlock[]): string {
  return blocks.map((b) => (b.kind === 'list' ? b.items.map((i) => `- ${i}`).join('\n') : b.lines.join('\n'))).join('\n\n');
}

/** Lays out a text and gives it back as plain text (see layoutText). */
export const reflowText = (text: string): string => blocksToText(layoutText(text));

/**
 * Validation warnings (never errors) for a body whose author may have meant a line break the rule joins: a
 * paragraph ending in a short line after a short line that ends with a comma ("Best wishes,\n{{ recruiter.name }}"),
 * as sign-offs were written before the rule. `bodies` are the message texts with the path of each.
 */
export function lineBreakWarnings(bodies: { path: string; body: string }[]): { path: string; message: string }[] {
  const warnings: { path: string; message: string }[] = [];
  for (const { path, body } of bodies) {
    for (const paragraph of body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
      const lines = paragraph.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      const [before, last] = [lines[lines.length - 2], lines[lines.length - 1]];
      if (before === undefined || last === undefined || ITEM.test(lines[0]!) || !before.endsWith(',') || before.length > 40 || last.length > 40) continue;
      warnings.push({ path, message: `"${before} ${last}" will read as one line (single line breaks are joined); end the line with \\ to keep the break: "${before} \\"` });
    }
  }
  return warnings;
}
