import { readableOnWhite } from './colour';
import type { TextBlock } from './text-layout';

/** What the HTML part shows of the company. */
export interface EmailBrand {
  displayName: string;
  logoUrl?: string | undefined;
  accentColour?: string | undefined;
}

/** Candor's own accent (links and the top rule) when a tenant sets none, or one too light for links on white. */
export const DEFAULT_ACCENT = '#1a56db';

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// A URL ends before a space or "<"; punctuation that ends the sentence around it is not part of it.
const URL = /https?:\/\/[^\s<]+?(?=[.,;:!?)\]]*(?:\s|<|$))/g;

/**
 * Escapes a line of text and makes each URL in it a link whose text is the URL. A long URL may break at any
 * character, so it continues the line it starts on instead of leaving a half-empty line before it.
 */
export function linkify(text: string): string {
  return escapeHtml(text).replace(URL, (url) => `<a href="${url}" style="word-break:break-all">${url}</a>`);
}

function blockHtml(block: TextBlock): string {
  if (block.kind === 'list') return `<ul style="margin:0 0 16px;padding-left:24px">${block.items.map((i) => `<li>${linkify(i)}</li>`).join('')}</ul>`;
  return `<p>${block.lines.map(linkify).join('<br>\n')}</p>`;
}

/**
 * An e-mail's HTML part: one column at most 600 px wide that fills a phone's screen, the company's name
 * (or logo, with the name as its text) over the subject as a heading, the paragraphs as they reflow, and the
 * unsubscribe link in the footer. Language set, real headings and links, WCAG AA contrast in the light and the
 * dark scheme (`prefers-color-scheme`), and nothing fetched from elsewhere except the tenant's logo, which
 * the e-mail reads the same without. Styles are inline where a client dropping <style> would lose more than a
 * margin (a body paragraph is a plain <p>); the dark scheme needs the <style>.
 */
export function emailHtml(parts: { lang: string; subject: string; blocks: TextBlock[]; brand: EmailBrand; footer: { text: string; url: string; label: string } }): string {
  const { brand } = parts;
  const accent = brand.accentColour && /^#[0-9a-f]{6}$/i.test(brand.accentColour) ? brand.accentColour : DEFAULT_ACCENT;
  const link = readableOnWhite(accent) ? accent : DEFAULT_ACCENT;
  const name = escapeHtml(brand.displayName);
  const masthead = brand.logoUrl && /^https:\/\//.test(brand.logoUrl) ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${name}" height="32" style="height:32px;width:auto;border:0">` : name;
  return `<!doctype html>
<html lang="${escapeHtml(parts.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(parts.subject)}</title>
<style>
a { color: ${link}; overflow-wrap: anywhere; }
.card p { margin: 0 0 16px; }
@media (prefers-color-scheme: dark) {
  body, .outer { background: #121212 !important; color: #e8e8e8 !important; }
  .card { background: #1e1e1e !important; color: #e8e8e8 !important; }
  .brand { color: #e8e8e8 !important; }
  .footer { color: #b8b8b8 !important; }
  a { color: #8ab4f8 !important; }
}
</style>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;color:#1f2328">
<div class="outer" style="background:#f3f4f6;padding:16px 12px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2328">
<div class="card" style="max-width:600px;margin:0 auto;background:#ffffff;border-top:4px solid ${accent};border-radius:6px;padding:20px">
<p class="brand" style="margin:0 0 12px;font-size:15px;font-weight:600;color:#1f2328">${masthead}</p>
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">${escapeHtml(parts.subject)}</h1>
${parts.blocks.map(blockHtml).join('\n')}
</div>
<p class="footer" style="max-width:600px;margin:12px auto 0;font-size:14px;color:#4b5563">${escapeHtml(parts.footer.text)} <a href="${escapeHtml(parts.footer.url)}">${escapeHtml(parts.footer.label)}</a></p>
</div>
</body>
</html>`;
}
