import { createHash } from 'node:crypto';
import type { PageTexts } from './texts';
import { escapeHtml } from '../../core/messaging/email-html';

/** One step of the process as the page lists it. */
export interface PageStep {
  title: string;
  sentence: string;
  state: 'done' | 'current' | 'ahead';
}

/** Everything one status page shows, already in the candidate's language and time zone. */
export interface StatusPageView {
  words: PageTexts;
  /** The path of the page (with its token), for forms and the language link. */
  path: string;
  company: string;
  jobTitle: string | undefined;
  recruiterName: string | undefined;
  timeZone: string;
  steps: PageStep[];
  /** What happens next: sentences (empty when the process has ended). */
  next: string[];
  /** The process has ended: the sentence that says how. */
  closed: string | undefined;
  messages: { at: string; when: string; channel: string; label: string }[];
  /** Per channel that carried a message: whether it is stopped. */
  channels: { channel: 'email' | 'sms'; stopped: boolean }[];
  survey: 'ask' | 'answered' | 'none';
  /** The question form is shown (the journey has not ended), and the questions asked so far, newest first. */
  canAsk?: boolean | undefined;
  questions?: { askedWhen: string; askedAt: string; text: string; status: string; answer: string | undefined }[];
  /** A confirmation (after an action) or a problem (a form not filled in), announced to screen readers. */
  notice: { text: string; kind: 'status' | 'alert' } | undefined;
  /** The interview: what is booked or asked for, and the link to the page that chooses a time (absent: nothing offered). */
  interview?: { lines: string[]; link: string; linkText: string } | undefined;
  /** The withdraw button is shown (the journey is open and the candidate has not withdrawn). */
  canWithdraw?: boolean | undefined;
}

/** One slot as the interview page offers it, in the candidate's language and time zone. */
export interface PageSlot {
  slotId: string;
  when: string;
  place: string | undefined;
}

/** The page that chooses an interview time, asks for another one and states accessibility needs. */
export interface InterviewPageView {
  words: PageTexts;
  path: string;
  company: string;
  /** Per interview offered: its id, the booked time (if any) and the free slots. */
  interviews: { interviewId: string; booked: string | undefined; awaiting: boolean; free: PageSlot[] }[];
  recruiter: string;
  needsStated: boolean;
  open: boolean;
  notice: { text: string; kind: 'status' | 'alert' } | undefined;
  timeZone: string;
}

/** The page's one stylesheet, inline (no extra request) and allowed by its hash in the CSP. Mobile first. */
const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5360;--line:#c9d1da;--accent:#0b5cad;--soft:#eef3f8}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:40rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}
h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
p{margin:.4rem 0}
.company{color:var(--muted);margin:0}
nav a{display:inline-block;padding:.5rem 0;color:var(--accent)}
ol.steps{list-style:none;padding:0;margin:0}
ol.steps li{border-left:4px solid var(--line);padding:.4rem 0 .6rem .9rem;margin:0}
ol.steps li.done{border-color:#5b7a99}
ol.steps li[aria-current]{border-color:var(--accent);background:var(--soft)}
.step-title{font-weight:600}
.state{display:inline-block;margin-left:.4rem;font-size:.85rem;color:var(--muted)}
li[aria-current] .state{color:var(--accent);font-weight:600}
ul.messages{padding-left:1.1rem}
.notice{border:2px solid var(--accent);background:var(--soft);padding:.6rem .8rem;border-radius:.4rem}
.notice.alert{border-color:#a4262c}
button{font:inherit;min-height:2.75rem;padding:.55rem 1rem;border-radius:.4rem;border:2px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}
form{margin:.6rem 0}
fieldset{border:1px solid var(--line);border-radius:.4rem;padding:.6rem .9rem}
legend{font-weight:600;padding:0 .3rem}
.score{display:block;padding:.35rem 0}
.score input{width:1.25rem;height:1.25rem;vertical-align:middle;margin-right:.5rem}
label[for=comment]{display:block;margin-top:.8rem}
.slot{display:block;padding:.55rem 0;border-bottom:1px solid var(--line)}
.slot input{width:1.25rem;height:1.25rem;vertical-align:middle;margin-right:.5rem}
.slot .place{display:block;margin-left:1.75rem;color:var(--muted);font-size:.9rem}
a.action{display:inline-block;min-height:2.75rem;padding:.55rem 1rem;border-radius:.4rem;border:2px solid var(--accent);color:var(--accent);text-decoration:none;font-weight:600}
label.block{display:block;margin-top:.6rem}
textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem;border:1px solid var(--muted);border-radius:.4rem}
:focus-visible{outline:3px solid #e8a100;outline-offset:2px}
footer{color:var(--muted);font-size:.9rem}
`.trim();

/** The Content-Security-Policy of every status page: nothing but its own inline style and its own forms. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "img-src 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');


function document(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A form post back to the page (same origin, the token in the path: the page's only credential, so no other site can post it). */
const hidden = (lang: string) => `<input type="hidden" name="lang" value="${lang}">`;

/** The status page as HTML: works without JavaScript (plain forms), one request, nothing from elsewhere. */
export function renderStatusPage(view: StatusPageView): string {
  const w = view.words;
  const e = escapeHtml;
  const heading = view.jobTitle ? w.forJob(view.jobTitle) : w.title;
  const header = `<header>
<p class="company">${e(view.company)}</p>
<h1>${e(heading)}</h1>
${view.jobTitle ? '' : `<p>${e(w.atCompany(view.company))}</p>`}
${view.recruiterName ? `<p>${e(w.contact(view.recruiterName))}</p>` : ''}
<nav aria-label="${e(w.languageNav)}"><a href="${e(view.path)}?lang=${w.otherLanguage.lang}" lang="${w.otherLanguage.lang}" hreflang="${w.otherLanguage.lang}">${e(w.otherLanguage.label)}</a></nav>
</header>`;

  const notice = view.notice ? `<p class="notice${view.notice.kind === 'alert' ? ' alert' : ''}" role="${view.notice.kind}">${e(view.notice.text)}</p>` : '';

  const steps = view.steps
    .map((step) => {
      const state = step.state === 'current' ? w.youAreHere : step.state === 'done' ? w.stepDone : w.stepAhead;
      return `<li class="${step.state}"${step.state === 'current' ? ' aria-current="step"' : ''}><span class="step-title">${e(step.title)}</span><span class="state">(${e(state)})</span><p>${e(step.sentence)}</p></li>`;
    })
    .join('\n');

  const next = view.closed ? `<p>${e(view.closed)}</p>` : view.next.map((line) => `<p>${e(line)}</p>`).join('\n');

  const survey =
    view.survey === 'ask'
      ? `<section aria-labelledby="survey-h">
<h2 id="survey-h">${e(w.survey.heading)}</h2>
<p>${e(w.survey.intro)}</p>
<form method="post" action="${e(view.path)}/survey">${hidden(w.lang)}
<fieldset>
<legend>${e(w.survey.legend)}</legend>
${w.survey.scores.map((label, i) => `<label class="score"><input type="radio" name="score" value="${i + 1}" required>${e(label)}</label>`).join('\n')}
</fieldset>
<label for="comment">${e(w.survey.comment)}</label>
<textarea id="comment" name="comment" maxlength="2000"></textarea>
<p><button type="submit">${e(w.survey.send)}</button></p>
</form>
</section>`
      : view.survey === 'answered'
        ? `<section aria-labelledby="survey-h"><h2 id="survey-h">${e(w.survey.heading)}</h2><p>${e(w.survey.thanks)}</p></section>`
        : '';

  const actions = view.channels.length
    ? `<section aria-labelledby="actions-h">
<h2 id="actions-h">${e(w.actions)}</h2>
${view.channels
  .map(({ channel, stopped }) =>
    stopped
      ? `<p>${e(w.stopped[channel])}</p>`
      : `<form method="post" action="${e(view.path)}/stop/${channel}">${hidden(w.lang)}<button type="submit" class="secondary">${e(w.stop[channel])}</button></form>`,
  )
  .join('\n')}
</section>`
    : '';

  const ask = view.canAsk === true
    ? `<section aria-labelledby="ask-h">
<h2 id="ask-h">${e(w.ask.heading)}</h2>
<p>${e(w.ask.intro)}</p>
<form method="post" action="${e(view.path)}/question">${hidden(w.lang)}
<label for="question">${e(w.ask.label)}</label>
<textarea id="question" name="question" maxlength="4000" required></textarea>
<p><button type="submit">${e(w.ask.send)}</button></p>
</form>
</section>`
    : '';
  const questions = view.questions?.length
    ? `<section aria-labelledby="questions-h">
<h2 id="questions-h">${e(w.ask.yours)}</h2>
<ul class="messages">${view.questions
        .map((q) => `<li><time datetime="${e(q.askedAt)}">${e(q.askedWhen)}</time>: <q>${e(q.text)}</q><p>${e(q.status)}</p>${q.answer !== undefined ? `<blockquote><p>${e(q.answer)}</p></blockquote>` : ''}</li>`)
        .join('\n')}</ul>
</section>`
    : '';

  const interview = view.interview
    ? `<section aria-labelledby="interview-h">
<h2 id="interview-h">${e(w.interview.heading)}</h2>
${view.interview.lines.map((line) => `<p>${e(line)}</p>`).join('\n')}
<p><a class="action" href="${e(view.interview.link)}">${e(view.interview.linkText)}</a></p>
</section>`
    : '';
  const withdraw = view.canWithdraw
    ? `<section aria-labelledby="withdraw-h">
<h2 id="withdraw-h">${e(w.withdraw.heading)}</h2>
<p>${e(w.withdraw.intro)}</p>
<p><a class="action" href="${e(view.path)}/withdraw?lang=${w.lang}">${e(w.withdraw.button)}</a></p>
</section>`
    : '';

  const messages = `<section aria-labelledby="messages-h">
<h2 id="messages-h">${e(w.messages)}</h2>
${view.messages.length ? `<ul class="messages">${view.messages.map((m) => `<li><time datetime="${e(m.at)}">${e(m.when)}</time>, ${e(m.channel)}: ${e(m.label)}</li>`).join('\n')}</ul>` : `<p>${e(w.noMessages)}</p>`}
</section>`;

  const body = `${header}
<main>
${notice}
<section aria-labelledby="steps-h">
<h2 id="steps-h">${e(w.steps)}</h2>
<ol class="steps">
${steps}
</ol>
</section>
<section aria-labelledby="next-h">
<h2 id="next-h">${e(w.next)}</h2>
${next}
</section>
${interview}
${survey}
${ask}
${questions}
${actions}
${withdraw}
${messages}
</main>
<footer><p>${e(w.timesIn(view.timeZone))}</p></footer>`;
  return document(w.lang, `${heading} · ${view.company}`, body);
}

/** The page for a link that does not work (expired, revoked or unknown): it names nobody and nothing. */
export function renderInvalidLink(words: PageTexts, status: 'expired' | 'unknown'): string {
  return document(words.lang, words.invalid.title, `<main>\n<h1>${escapeHtml(words.invalid.title)}</h1>\n<p>${escapeHtml(words.invalid[status])}</p>\n</main>`);
}

/** The interview page: book one of the free slots, ask for another time with a note, state accessibility needs. No JavaScript. */
export function renderInterviewPage(view: InterviewPageView): string {
  const w = view.words;
  const t = w.interview;
  const e = escapeHtml;
  const notice = view.notice ? `<p class="notice${view.notice.kind === 'alert' ? ' alert' : ''}" role="${view.notice.kind}">${e(view.notice.text)}</p>` : '';
  const sections = view.interviews
    .map((interview, index) => {
      const id = `slots-${index}`;
      const booked = interview.booked ? `<p>${e(t.booked(interview.booked))}</p>` : interview.awaiting ? `<p>${e(t.awaiting(view.recruiter))}</p>` : '';
      const choose = !view.open
        ? ''
        : interview.free.length === 0
          ? `<p>${e(interview.booked ? '' : t.noneLeft)}</p>`
          : `<form method="post" action="${e(view.path)}/interview/choose">${hidden(w.lang)}
<fieldset>
<legend>${e(t.legend)}</legend>
${interview.free
  .map(
    (slot, i) =>
      `<label class="slot" for="${id}-${i}"><input type="radio" id="${id}-${i}" name="slot" value="${e(slot.slotId)}" required>${e(slot.when)}${slot.place ? `<span class="place">${e(t.place(slot.place))}</span>` : ''}</label>`,
  )
  .join('\n')}
</fieldset>
<p><button type="submit">${e(interview.booked ? t.move : t.book)}</button></p>
</form>`;
      const other = view.open
        ? `<h3 id="other-${index}">${e(t.otherHeading)}</h3>
<form method="post" action="${e(view.path)}/interview/reschedule" aria-labelledby="other-${index}">${hidden(w.lang)}<input type="hidden" name="interview" value="${e(interview.interviewId)}">
<p>${e(t.otherIntro)}</p>
<label class="block" for="note-${index}">${e(t.otherLabel)}</label>
<textarea id="note-${index}" name="note" maxlength="2000"></textarea>
<p><button type="submit" class="secondary">${e(t.otherSend)}</button></p>
</form>`
        : '';
      return `${booked}\n${choose}\n${other}`;
    })
    .join('\n');
  const needs = view.open
    ? `<section aria-labelledby="needs-h">
<h2 id="needs-h">${e(t.needsHeading)}</h2>
<p>${e(t.needsIntro)}</p>
${view.needsStated ? `<p>${e(t.needsStated)}</p>` : ''}
<form method="post" action="${e(view.path)}/interview/needs">${hidden(w.lang)}
<label class="block" for="needs">${e(t.needsLabel)}</label>
<textarea id="needs" name="needs" maxlength="2000" required></textarea>
<p><button type="submit" class="secondary">${e(t.needsSend)}</button></p>
</form>
</section>`
    : '';
  const body = `<header>
<p class="company">${e(view.company)}</p>
<h1>${e(t.pageTitle)}</h1>
<nav aria-label="${e(w.languageNav)}"><a href="${e(view.path)}/interview?lang=${w.otherLanguage.lang}" lang="${w.otherLanguage.lang}" hreflang="${w.otherLanguage.lang}">${e(w.otherLanguage.label)}</a></nav>
</header>
<main>
${notice}
<section aria-labelledby="slots-h">
<h2 id="slots-h">${e(t.heading)}</h2>
${view.interviews.length === 0 ? `<p>${e(t.none)}</p>` : sections}
</section>
${needs}
<p><a href="${e(view.path)}?lang=${w.lang}">${e(t.back)}</a></p>
</main>
<footer><p>${e(w.timesIn(view.timeZone))}</p></footer>`;
  return document(w.lang, `${t.pageTitle} · ${view.company}`, body);
}

/** The confirmation step before withdrawing: a form that posts the withdrawal, and a way back that changes nothing. */
export function renderWithdrawConfirm(words: PageTexts, path: string, company: string, jobTitle: string | undefined): string {
  const e = escapeHtml;
  const w = words.withdraw;
  const body = `<header>
<p class="company">${e(company)}</p>
<h1>${e(w.confirmTitle)}</h1>
</header>
<main>
<p>${e(w.confirmText(jobTitle ?? words.title.toLowerCase()))}</p>
<form method="post" action="${e(path)}/withdraw">${hidden(words.lang)}<input type="hidden" name="confirm" value="yes">
<p><button type="submit">${e(w.confirm)}</button></p>
</form>
<p><a class="action" href="${e(path)}?lang=${words.lang}">${e(w.cancel)}</a></p>
</main>`;
  return document(words.lang, `${w.confirmTitle} · ${company}`, body);
}
