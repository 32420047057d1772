// Candor console: a no-build page over the recruiter API (/api/v1). Hash routes: #/board, #/applications/<id>,
// #/journeys, #/journeys/<id>, #/outbox?application=<id>, #/inbox?applicationId=<id>&status=, #/alerts?state=&reason=&applicationId=, #/surveys,
// #/analytics?from=&to=&version=&job=. The API key stays in this browser's localStorage.
'use strict';

const $ = (id) => document.getElementById(id);
const main = $('main');
const keyInput = $('api-key');
let key = localStorage.getItem('candor-api-key') || '';
let refresh;
let generation = 0;

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const say = (text) => { $('status').textContent = text; };
const enc = encodeURIComponent;
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

async function api(method, path, body, type = 'application/json') {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = type;
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch { data = { error: { message: text } }; }
  if (!response.ok) throw Object.assign(new Error(data.error?.message || `${response.status} ${response.statusText}`), { data, status: response.status });
  return data;
}

// Times. The recruiter's own time is the tooltip; a candidate's local time is the text where it matters.
const span = (ms) => {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min` : '<1 min';
};
const ago = (iso) => `${span(Date.now() - Date.parse(iso))} ago`;
const ahead = (iso) => (Date.parse(iso) <= Date.now() ? 'due now' : `in ${span(Date.parse(iso) - Date.now())}`);
const yours = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = (iso, text, title = `Your time: ${yours(iso)}`) => (iso ? `<time datetime="${esc(iso)}"${title ? ` title="${esc(title)}"` : ''}>${esc(text)}</time>` : '');
/** A formatter for the candidate's zone and locale, or undefined when the journey does not know them (or they are invalid). */
function zoned(timeZone, locale) {
  if (!timeZone) return undefined;
  for (const l of [locale, undefined]) {
    try {
      const f = new Intl.DateTimeFormat(l, { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
      return { timeZone, locale: f.resolvedOptions().locale, format: (iso) => f.format(new Date(iso)) };
    } catch { /* try the next */ }
  }
  return undefined;
}
const route = () => location.hash.split('?')[0].split('/');
const params = () => new URLSearchParams(location.hash.split('?')[1] || '');

const STALE = Symbol('stale');
/** Renders a page, unless another navigation started since `mine` (then the caller stops quietly). */
function show(mine, title, html, focus) {
  if (mine !== generation) throw STALE;
  main.innerHTML = html;
  document.title = `${title} · Candor console`;
  const page = route()[1] || 'board';
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === `#/${page === 'applications' ? 'board' : page}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // Move focus to the new page's heading for keyboard and screen-reader users, never on a background refresh.
  const h = main.querySelector('h2');
  if (focus && h) { h.tabIndex = -1; h.focus(); }
}

function failure(error) {
  const details = error.data?.error?.details?.map((d) => `<li><code>${esc(d.path)}</code>: ${esc(d.message)}</li>`).join('') || '';
  const hint = error.status === 401 ? ' Check the API key above.' : '';
  main.innerHTML = `<h2 tabindex="-1">Something went wrong</h2><p class="errors" role="alert">${esc(error.message)}${hint}</p>${details ? `<ul class="errors">${details}</ul>` : ''}`;
  main.querySelector('h2').focus();
}

// Board: longest waiting first, with the last and next message of each candidate.
const STAGES = ['', 'applied', 'screening', 'interview', 'offer'];
const CHANNELS = { email: 'e-mail', sms: 'SMS' };
const since = (a) => a.waitingSince || a.startedAt;

function boardRows(list) {
  // Newer API versions add lastMessage/nextMessage/paused/timeZone; older ones leave them out, and so do these columns.
  const rich = list.some((a) => 'lastMessage' in a || 'nextMessage' in a);
  const sorted = [...list].sort((a, b) => String(since(a)).localeCompare(String(since(b))));
  const rows = sorted.map((a) => {
    const z = zoned(a.timeZone, a.locale);
    const last = a.lastMessage
      ? `${esc(a.lastMessage.template)} <span class="muted">by ${esc(CHANNELS[a.lastMessage.channel] || a.lastMessage.channel)}</span> ${time(a.lastMessage.at, ago(a.lastMessage.at))}`
      : '<span class="muted">none yet</span>';
    const next = a.nextMessage
      ? `${esc(a.nextMessage.template)} ${time(a.nextMessage.dueAt, ahead(a.nextMessage.dueAt))}${z ? ` <span class="muted">(${esc(z.format(a.nextMessage.dueAt))} their time)</span>` : ''}`
      : '<span class="muted">nothing scheduled</span>';
    const breached = a.sla === 'breached';
    const sla = breached
      ? `<span class="badge breached">SLA breached</span>${a.alertReasons?.length ? ` <span class="reasons">${esc(a.alertReasons.join(', '))}</span>` : ''} <a href="#/alerts?applicationId=${enc(a.applicationId)}">alerts<span class="visually-hidden"> about ${esc(a.candidateName || a.applicationId)}</span></a>`
      : '<span class="badge ok">on track</span>';
    // Who and for which job (sealed in the store; the API opens them for this tenant), then the id that links on.
    const who = a.candidateName || a.jobTitle
      ? `<span class="person">${esc(a.candidateName || '—')}</span>${a.jobTitle ? ` <span class="job">${esc(a.jobTitle)}</span>` : ''}<br>`
      : '';
    const ats = a.atsUrl ? ` <a class="ats" href="${esc(a.atsUrl)}" target="_blank" rel="noopener noreferrer">in the ATS<span class="visually-hidden"> (${esc(a.candidateName || a.applicationId)})</span></a>` : '';
    return `<tr${breached ? ' class="breached"' : ''}><th scope="row">${who}<a href="#/applications/${enc(a.applicationId)}">${esc(a.applicationId)}</a>${ats}${a.paused ? ' <span class="badge">paused</span>' : ''}</th>
      <td>${esc(a.stage || '—')}</td><td>${time(since(a), since(a) ? span(Date.now() - Date.parse(since(a))) : '')}</td>${rich ? `<td>${last}</td><td>${next}</td>` : ''}<td>${sla}</td></tr>`;
  });
  // An API that names candidates (candidateName) heads the first column by them; an older one by the application id.
  const cols = [list.some((a) => 'candidateName' in a) ? 'Candidate' : 'Application', 'Stage', 'Waiting', ...(rich ? ['Last message', 'Next message'] : []), 'SLA'];
  return `<table><caption class="visually-hidden">Open applications, longest waiting first</caption>
    <thead><tr>${cols.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>
    <tbody>${rows.join('') || `<tr><td colspan="${cols.length}">Nobody is waiting.</td></tr>`}</tbody></table>`;
}

async function board(focus) {
  const stage = params().get('stage') || '';
  const q = params().get('q') || '';
  const load = () => api('GET', `/applications?limit=200${stage ? `&stage=${enc(stage)}` : ''}${q ? `&q=${enc(q)}` : ''}`);
  const summary = ({ applications, total, truncated }) =>
    `${plural(total ?? applications.length, 'open application')}${(total ?? 0) > applications.length ? `, the ${applications.length} longest waiting shown` : ''}${truncated ? ' (scan truncated)' : ''}${applications.some((a) => a.sla === 'breached') ? `; ${applications.filter((a) => a.sla === 'breached').length} with an SLA breach` : ''}.`;
  const mine = generation;
  const data = await load();
  show(
    mine,
    'Candidates',
    `<h2>Candidates, longest waiting first</h2>
     <p class="controls"><label for="stage">Stage</label> <select id="stage">${STAGES.map((s) => `<option value="${s}"${s === stage ? ' selected' : ''}>${s || 'all'}</option>`).join('')}</select>
     <span class="muted">Refreshes every 5 seconds.</span></p>
     <form id="board-search" class="controls" role="search"><label for="q">Search by name, job or stage</label> <input id="q" type="search" value="${esc(q)}" autocomplete="off"> <button type="submit">Search</button></form>
     <p id="board-summary">${esc(summary(data))}</p><div id="board">${boardRows(data.applications)}</div>`,
    focus,
  );
  // A filter, not a navigation: keep focus on the select (arrow keys change it one option at a time).
  const filterUrl = (s, words) => {
    const search = new URLSearchParams();
    if (s) search.set('stage', s);
    if (words) search.set('q', words);
    return `#/board${search.size ? `?${search}` : ''}`;
  };
  $('stage').addEventListener('change', async (e) => {
    history.replaceState(null, '', filterUrl(e.target.value, q));
    await render(false);
    $('stage')?.focus();
  });
  $('board-search').addEventListener('submit', async (e) => {
    e.preventDefault();
    history.replaceState(null, '', filterUrl(stage, $('q').value.trim()));
    await render(false);
    $('q')?.focus();
  });
  const tick = async () => {
    try {
      const next = await load();
      if (mine !== generation) return;
      // Replace only the table, keeping keyboard focus on the same candidate's link.
      const focused = document.activeElement?.closest?.('#board') ? document.activeElement.getAttribute('href') : null;
      $('board').innerHTML = boardRows(next.applications);
      $('board-summary').textContent = summary(next);
      if (focused) $('board').querySelector(`a[href="${CSS.escape(focused)}"]`)?.focus();
    } catch (error) {
      if (mine === generation) $('board-summary').textContent = `Could not refresh: ${error.message}`;
    }
    if (mine === generation) refresh = setTimeout(tick, 5000);
  };
  refresh = setTimeout(tick, 5000);
}

// One candidate: status and timeline in the candidate's own time zone.
async function application(id, focus) {
  const mine = generation;
  const { status: s, timeline, candidateName, jobTitle, atsUrl, recruiterName } = await api('GET', `/applications/${enc(id)}`);
  // Interviews on the candidate's terms: the slots offered and what the candidate did (404 before the journey's first board write).
  const interview = await api('GET', `/applications/${enc(id)}/interview-slots`).catch(() => undefined);
  const z = zoned(s.timeZone, s.locale);
  const when = (iso) => (iso ? (z ? time(iso, z.format(iso)) : time(iso, yours(iso), '')) : '');
  const rows = timeline
    .map((e) => `<tr><td>${when(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.template || e.eventType || e.stage || e.version || '')}</td><td>${esc(CHANNELS[e.channel] || e.channel || '')}</td><td>${e.dueAt ? `due ${when(e.dueAt)}` : ''} ${esc(e.reason || '')}</td></tr>`)
    .join('');
  const zone = z ? `the candidate's time zone, <strong>${esc(z.timeZone)}</strong> (${esc(z.locale)}); hover a time for yours` : 'your time zone (the journey does not know the candidate\'s)';
  show(
    mine,
    `Application ${id}`,
    `<h2>Application ${esc(id)}</h2>
     <dl class="facts">
       ${candidateName ? `<dt>Candidate</dt><dd id="candidate-name">${esc(candidateName)}</dd>` : ''}
       ${jobTitle ? `<dt>Job</dt><dd>${esc(jobTitle)}</dd>` : ''}
       ${recruiterName ? `<dt>Recruiter</dt><dd>${esc(recruiterName)}</dd>` : ''}
       ${atsUrl ? `<dt>In the ATS</dt><dd><a href="${esc(atsUrl)}" target="_blank" rel="noopener noreferrer">Open the application in the ATS</a></dd>` : ''}
       <dt>Stage</dt><dd>${esc(s.stage || '—')} · ${s.paused ? '<strong>paused</strong>' : esc(s.status)}</dd>
       <dt>Journey</dt><dd>${esc(s.definitionVersion || '—')}</dd>
       ${z ? `<dt>Candidate's time now</dt><dd id="their-now">${esc(z.format(new Date().toISOString()))} (${esc(z.timeZone)})</dd>` : ''}
       <dt>Last message</dt><dd>${s.lastMessageAt ? when(s.lastMessageAt) : 'none yet'}</dd>
       <dt>Next</dt><dd>${s.scheduled?.map((m) => `${esc(m.template)} at ${when(m.dueAt)}`).join(', ') || 'nothing scheduled'}</dd>
     </dl>
     <p><button id="pause" type="button">${s.paused ? 'Resume journey' : 'Pause journey'}</button> <a href="#/outbox?application=${enc(id)}">Messages sent to this candidate</a> <a href="#/inbox?applicationId=${enc(id)}&amp;status=all">Questions from this candidate</a> <a href="#/alerts?applicationId=${enc(id)}&amp;state=all">Alerts about this candidate</a></p>
     ${interview ? interviewSection(interview, when) : ''}
     <table><caption>Timeline, in ${zone}</caption>
     <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Detail</th><th scope="col">Channel</th><th scope="col">Note</th></tr></thead><tbody>${rows}</tbody></table>`,
    focus,
  );
  $('offer-slot')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const start = new Date($('slot-start').value);
    const end = new Date(start.getTime() + Number($('slot-minutes').value) * 60000);
    try {
      await api('POST', `/applications/${enc(id)}/interview-slots`, {
        interviewId: $('slot-interview').value.trim(),
        slots: [{ id: `${$('slot-interview').value.trim()}-${start.getTime().toString(36)}`, start: start.toISOString(), end: end.toISOString(), ...($('slot-location').value.trim() ? { location: $('slot-location').value.trim() } : {}) }],
      });
      say('Time offered: the candidate is invited to choose on their status page');
      await application(id, false);
    } catch (error) { if (error !== STALE) say(error.message); }
  });
  $('pause').addEventListener('click', async () => {
    try {
      await api('POST', `/applications/${enc(id)}/${s.paused ? 'resume' : 'pause'}`);
      say(s.paused ? 'Journey resumed' : 'Journey paused');
      await application(id, false);
      $('pause').focus();
    } catch (error) { if (error !== STALE) say(error.message); }
  });
}

/** The interview part of an application's page: times offered and their state, requests for another time, accessibility needs, a form to offer a time. */
function interviewSection(data, when) {
  const STATES = { free: 'free', yours: '<strong>booked by this candidate</strong>', taken: 'taken by another candidate' };
  const slots = data.slots.map((slot) => `<tr><td>${when(slot.start)} – ${when(slot.end)}</td><td>${esc(slot.location || slot.link || '')}</td><td>${esc(slot.interviewId)}</td><td>${STATES[slot.status] || esc(slot.status)}</td></tr>`).join('');
  return `<section aria-labelledby="interview-h"><h3 id="interview-h">Interview</h3>
    ${data.withdrawn ? '<p><strong>The candidate withdrew on their status page.</strong></p>' : ''}
    ${data.accessibilityNeeds ? `<p id="accessibility-needs"><strong>Accessibility needs</strong> (from the candidate, for you only): ${esc(data.accessibilityNeeds.text)}</p>` : ''}
    ${data.rescheduleRequests.map((r) => `<p>Asked for another time for ${esc(r.interviewId)} ${when(r.requestedAt)}${r.note ? `: <q>${esc(r.note)}</q>` : ''}</p>`).join('')}
    ${slots ? `<table><caption>Times offered</caption><thead><tr><th scope="col">When</th><th scope="col">Where</th><th scope="col">Interview</th><th scope="col">State</th></tr></thead><tbody>${slots}</tbody></table>` : '<p>No times offered yet.</p>'}
    <form id="offer-slot"><fieldset><legend>Offer a time (the candidate chooses on their status page)</legend>
      <label>Interview id <input id="slot-interview" required value="${esc(data.slots[0]?.interviewId || 'interview-1')}"></label>
      <label>Start (your time) <input id="slot-start" type="datetime-local" required></label>
      <label>Minutes <input id="slot-minutes" type="number" min="15" max="480" step="15" value="60" required></label>
      <label>Where <input id="slot-location"></label>
      <button type="submit">Offer this time</button></fieldset></form></section>`;
}

async function journeys(focus) {
  const mine = generation;
  const { journeys: list } = await api('GET', '/journeys');
  show(
    mine,
    'Journeys',
    `<h2>Journeys</h2><ul>${list.map((j) => `<li><a href="#/journeys/${enc(j.id)}">${esc(j.name || j.id)}</a> <span class="muted">${esc(j.id)} · ${j.origin === 'shipped' ? 'shipped default' : `${j.latestVersion ? `v${j.latestVersion}` : 'unpublished'}${j.hasDraft ? ', draft' : ''}`}</span></li>`).join('')}</ul>`,
    focus,
  );
}

// YAML for the editor: block style, JSON-quoted strings where a plain scalar could be misread, literal blocks for text.
const RESERVED = /^(y|n|yes|no|on|off|true|false|null|~)$/i;
function scalar(v, ind) {
  if (typeof v !== 'string') return v === null || v === undefined ? 'null' : String(v);
  if ((/^[A-Za-z][\w .,!?/()-]*$/.test(v) || /^\d+[a-z]+$/.test(v)) && !RESERVED.test(v) && !/ $/.test(v)) return v;
  if (/\n/.test(v) && !/^[ \n]|\n\n+$/.test(v) && ![...v].some((c) => c < ' ' && c !== '\n' && c !== '\t')) {
    const end = v.endsWith('\n');
    return `|${end ? '' : '-'}${(end ? v.slice(0, -1) : v).split('\n').map((l) => (l ? `\n${ind}${l}` : '\n')).join('')}`;
  }
  return JSON.stringify(v);
}
function yamlNode(v, ind) {
  if (Array.isArray(v)) return v.length ? v.map((x) => `\n${ind}-${yamlNode(x, `${ind}  `).replace(new RegExp(`^\\n${ind}  `), ' ')}`).join('') : ' []';
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length ? keys.map((k) => `\n${ind}${/^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k)}:${yamlNode(v[k], `${ind}  `)}`).join('') : ' {}';
  }
  return ` ${scalar(v, ind)}`;
}
const toYaml = (v) => `${yamlNode(v, '').slice(1)}\n`;

function problemList(error) {
  const details = error.data?.error?.details || [];
  return `<p class="errors" role="alert">${esc(error.message)}</p>${details.length ? `<ul class="errors">${details.map((d) => `<li><code>${esc(d.path)}</code>: ${esc(d.message)}</li>`).join('')}</ul>` : ''}`;
}

function simMessage(m) {
  const head = `<p class="meta"><strong>${esc(m.localTime)}</strong> · ${esc(CHANNELS[m.channel] || m.channel)} · ${esc(m.template)}</p>`;
  return m.channel === 'sms'
    ? `<article class="msg">${head}<p class="bubble">${esc(m.body || '')}</p></article>`
    : `<article class="msg">${head}${m.subject ? `<p><strong>${esc(m.subject)}</strong></p>` : ''}<pre>${esc(m.body || '')}</pre>
      <button type="button" class="preview" data-template="${esc(m.template)}">Preview the e-mail</button><div class="preview-box" aria-live="polite"></div></article>`;
}

async function editor(id, focus) {
  const mine = generation;
  const journey = await api('GET', `/journeys/${enc(id)}`);
  // The YAML as it was written (comments and all) when there is one; otherwise the definition as YAML.
  const from = journey.draft
    ? { text: journey.draftSource, definition: journey.draft }
    : journey.published
      ? { text: journey.published.source, definition: journey.published.definition }
      : { text: journey.shipped?.source, definition: journey.shipped?.definition };
  const yaml = from.text || toYaml(from.definition);
  const source = journey.draft ? 'your draft' : journey.published ? `version ${journey.published.version}` : 'the shipped default';
  show(
    mine,
    `Journey ${id}`,
    `<h2>Journey ${esc(id)}</h2>
     <div class="editor">
       <section aria-labelledby="def-h"><h3 id="def-h">Definition</h3>
         <label for="definition">Journey definition (YAML), starting from ${esc(source)}</label>
         <textarea id="definition" spellcheck="false" aria-describedby="problems">${esc(yaml)}</textarea>
         <div id="problems" aria-live="polite"></div>
         <p><button id="save" type="button">Save draft</button> <button id="publish" type="button">Publish</button></p>
       </section>
       <section aria-labelledby="sim-h"><h3 id="sim-h">What a candidate experiences</h3>
         <p class="muted">Applied now, moved to screening after 3 days, then no news for 30 days; times in the journey's default time zone.</p>
         <div id="simulation" aria-live="polite" aria-busy="true"></div>
       </section>
     </div>`,
    focus,
  );
  const text = $('definition');
  const problems = $('problems');
  const sim = $('simulation');
  let timer;
  let seq = 0;
  const simulate = async () => {
    const mine = ++seq;
    sim.setAttribute('aria-busy', 'true');
    try {
      const result = await api('POST', `/journeys/${enc(id)}/simulate`, {
        definition: text.value,
        events: [{ at: '0m', type: 'ats.application.created' }, { at: '3d', type: 'ats.application.stage_changed', stage: 'screening' }],
        until: '30d',
      });
      if (mine !== seq) return;
      problems.innerHTML = '<p class="badge ok">Valid</p>';
      sim.innerHTML = `<p>Longest silence: <strong>${plural(result.longestSilence.businessDays, 'business day')}</strong> (at most ${esc(result.maxSilence)}); ${plural(result.messages.length, 'message')}, ${plural(result.alerts.length, 'recruiter alert')}.</p>${result.messages.map(simMessage).join('')}`;
    } catch (error) {
      if (mine !== seq) return;
      problems.innerHTML = problemList(error);
      sim.innerHTML = '<p class="muted">Fix the problems to see the simulation.</p>';
    }
    if (mine === seq) sim.setAttribute('aria-busy', 'false');
  };
  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(simulate, 300); });
  // The e-mail exactly as the send path renders it (sample candidate, this tenant's name and brand).
  sim.addEventListener('click', async (e) => {
    const button = e.target.closest('button.preview');
    if (!button) return;
    const box = button.nextElementSibling;
    try {
      const p = await api('POST', `/journeys/${enc(id)}/preview`, { definition: text.value, template: button.dataset.template, channel: 'email' });
      box.innerHTML = emailView(p.html, p.subject);
    } catch (error) { box.innerHTML = problemList(error); }
  });
  const save = async () => {
    try {
      await api('PUT', `/journeys/${enc(id)}/draft`, text.value, 'application/yaml');
      return true;
    } catch (error) {
      problems.innerHTML = problemList(error);
      say(`Not saved: ${error.message}`);
      text.focus();
      return false;
    }
  };
  $('save').addEventListener('click', async () => { if (await save()) say('Draft saved'); });
  $('publish').addEventListener('click', async () => {
    if (!(await save())) return;
    try {
      const published = await api('POST', `/journeys/${enc(id)}/publish`);
      say(`Published version ${published.version}; ${plural(published.runningJourneys?.signalled ?? 0, 'running journey')} will use it from their next stage`);
    } catch (error) { say(`Not published: ${error.message}`); }
  });
  await simulate();
}

// An e-mail's HTML part as the candidate sees it: in a frame that can run and fetch nothing, at a phone's
// (360 px) or a desktop's (1280 px) width, in the light or the dark colour scheme (its own dark styles applied).
const WIDTHS = { phone: 360, desktop: 1280 };
function emailView(html, subject) {
  return `<div class="email-view"><p class="controls" role="group" aria-label="Show the e-mail">
      <button type="button" data-width="phone" aria-pressed="true">Phone</button><button type="button" data-width="desktop" aria-pressed="false">Desktop</button>
      <button type="button" data-dark aria-pressed="false">Dark scheme</button></p>
    <div class="frame-box"><iframe sandbox="" referrerpolicy="no-referrer" style="width:${WIDTHS.phone}px" title="HTML part of the e-mail “${esc(subject)}”" data-html="${esc(html)}" srcdoc="${esc(html)}"></iframe></div></div>`;
}
main.addEventListener('click', (e) => {
  const button = e.target.closest?.('.email-view button');
  if (!button) return;
  const view = button.closest('.email-view');
  const frame = view.querySelector('iframe');
  if (button.dataset.width) {
    for (const b of view.querySelectorAll('[data-width]')) b.setAttribute('aria-pressed', String(b === button));
    frame.style.width = `${WIDTHS[button.dataset.width]}px`;
  } else {
    const dark = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(dark));
    // The e-mail's own dark-scheme rules, as a mail app in dark mode applies them.
    frame.srcdoc = dark ? frame.dataset.html.replaceAll('(prefers-color-scheme: dark)', 'all') : frame.dataset.html;
  }
});

// Outbox: what the sandbox sent, as the candidate reads it, newest first.
function outboxMessage(m, i) {
  const sent = time(m.sentAt, yours(m.sentAt), '');
  const about = `<span class="muted">${esc(m.template)} · <a href="#/applications/${enc(m.applicationId)}">${esc(m.applicationId)}</a> · ${esc(m.locale)}</span>`;
  if (m.channel === 'sms') {
    // The API counts segments the way the send path does (GSM-7 or UCS-2).
    const s = m.length;
    const length = s ? `<p class="muted">${plural(s.segments, 'segment')} (${s.encoding}, ${s.units} ${s.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units'})</p>` : '';
    return `<article class="msg" aria-labelledby="m${i}"><h3 id="m${i}">SMS to ${esc(m.to)}</h3><p class="meta">${sent} · ${about}</p>
      <p class="bubble">${esc(m.text)}</p>${length}</article>`;
  }
  const notRecorded = '<span class="muted">not recorded (sent before Candor kept it)</span>';
  return `<article class="msg" aria-labelledby="m${i}"><h3 id="m${i}">E-mail: ${esc(m.subject || '(no subject)')}</h3><p class="meta">${sent} · ${about}</p>
    <dl class="facts"><dt>From</dt><dd>${m.from ? esc(m.from) : notRecorded}</dd><dt>Reply-To</dt><dd>${m.replyTo ? esc(m.replyTo) : notRecorded}</dd><dt>To</dt><dd>${esc(m.to)}</dd><dt>Subject</dt><dd>${esc(m.subject || '')}</dd></dl>
    ${m.html ? `${emailView(m.html, m.subject || '')}
    <details><summary>Text part</summary><pre>${esc(m.text)}</pre></details>` : `<pre>${esc(m.text)}</pre>`}</article>`;
}

async function outbox(focus) {
  const mine = generation;
  const app = params().get('application') || '';
  const { messages } = await api('GET', `/outbox?limit=100${app ? `&applicationId=${enc(app)}` : ''}`);
  show(
    mine,
    'Outbox',
    `<h2>Outbox${app ? ` for ${esc(app)}` : ''}</h2>
     <form id="outbox-filter" class="controls"><label for="outbox-app">Application</label> <input id="outbox-app" value="${esc(app)}" placeholder="all applications">
       <button type="submit">Filter</button></form>
     <p>${plural(messages.length, 'message')}, newest first, exactly as the candidate receives them (sandbox provider).</p>
     ${messages.map(outboxMessage).join('') || '<p>Nothing sent yet.</p>'}`,
    focus,
  );
  $('outbox-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $('outbox-app').value.trim();
    location.hash = `#/outbox${v ? `?application=${enc(v)}` : ''}`;
  });
}

// Verdicts: what candidates answered on their status page once their journey closed, per journey version and job.
function verdictTable(caption, first, groups) {
  const rows = groups.map((g) => `<tr${g.lowScores ? ' class="breached"' : ''}><th scope="row">${esc(g.key ?? '(job not known)')}</th><td>${g.responses}</td>
    <td>${g.averageScore.toFixed(1)}</td><td>${g.scores.map((n, i) => `${i + 1}: ${n}`).join(', ')}</td><td>${g.lowScores}</td></tr>`).join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr><th scope="col">${esc(first)}</th><th scope="col">Answers</th><th scope="col">Average (1–5)</th>
    <th scope="col">Scores</th><th scope="col">Low (1–2, each alerted)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

async function verdicts(focus) {
  const mine = generation;
  const [byVersion, byJob] = await Promise.all([api('GET', '/surveys?by=version'), api('GET', '/surveys?by=job')]);
  const comments = byVersion.groups.flatMap((g) => g.comments.map((c) => ({ ...c, version: g.key }))).sort((a, b) => b.answeredAt.localeCompare(a.answeredAt)).slice(0, 10);
  show(
    mine,
    'Verdicts',
    `<h2>Candidates' verdicts</h2>
     <p>Asked once, on the candidate's status page, after their journey closed: "How did you find our recruitment process?"</p>
     ${byVersion.groups.length ? `${verdictTable('Per journey version', 'Journey version', byVersion.groups)}${verdictTable('Per job', 'Job', byJob.groups)}
     <h3>Latest comments</h3>${comments.length ? `<ul>${comments.map((c) => `<li>${c.score}/5 · ${time(c.answeredAt, yours(c.answeredAt), '')} · ${esc(c.version)}: ${esc(c.comment)}</li>`).join('')}</ul>` : '<p>No comments yet.</p>'}`
      : '<p>No answers yet.</p>'}`,
    focus,
  );
}

// Inbox: candidates' questions (SMS and e-mail replies, the status page's form), for the tenant or one application.
const SOURCES = { sms: 'SMS', email: 'e-mail', page: 'status page' };
async function inbox(focus) {
  const mine = generation;
  const p = params();
  const applicationId = p.get('applicationId') || '';
  const status = p.get('status') || 'open';
  const q = new URLSearchParams({ status });
  if (applicationId) q.set('applicationId', applicationId);
  const { questions } = await api('GET', `/questions?${q}`);
  const item = (x) => `<li class="question">
    <p><a href="#/applications/${enc(x.applicationId)}">${esc(x.applicationId)}</a> · by ${esc(SOURCES[x.source] || x.source)} · asked ${time(x.askedAt, ago(x.askedAt))}
      ${x.answeredAt ? ` · answered by ${esc(x.answeredBy || x.recruiterName || 'you')} ${time(x.answeredAt, ago(x.answeredAt))}` : ` · <strong${Date.parse(x.answerBy) <= Date.now() ? ' class="overdue"' : ''}>answer ${esc(ahead(x.answerBy))}</strong>`}</p>
    <blockquote>${esc(x.text)}</blockquote>
    ${x.answer !== null ? `<p class="muted">Answer:</p><blockquote>${esc(x.answer)}</blockquote>` : `<form class="answer" data-question="${esc(x.questionId)}">
      <label for="answer-${esc(x.questionId)}">Your answer to ${esc(x.applicationId)}</label>
      <textarea id="answer-${esc(x.questionId)}" name="text" maxlength="4000" required></textarea>
      <button type="submit">Send answer</button></form>`}
  </li>`;
  const filter = ['open', 'answered', 'all'].map((s) => `<a href="#/inbox?${new URLSearchParams({ ...(applicationId ? { applicationId } : {}), status: s })}"${s === status ? ' aria-current="true"' : ''}>${s}</a>`).join(' · ');
  show(mine, 'Inbox', `<h2>${applicationId ? `Questions from ${esc(applicationId)}` : 'Inbox'}</h2>
    <p>Questions candidates asked a person. The answer goes to the candidate on the channel they asked on, once. Show: ${filter}${applicationId ? ' · <a href="#/inbox">every application</a>' : ''}</p>
    ${questions.length ? `<ul class="questions">${questions.map(item).join('')}</ul>` : `<p>No ${status === 'all' ? '' : `${status} `}questions.</p>`}`, focus);
  for (const form of main.querySelectorAll('form.answer')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api('POST', `/questions/${enc(form.dataset.question)}/answer`, { text: new FormData(form).get('text') });
        say('Answer sent to the candidate');
        await inbox(false);
      } catch (error) { if (error !== STALE) say(error.message); }
    });
  }
}

// Alerts: what the journeys and the status page raised for a person, per tenant or one application; acknowledge
// (someone is on it) and resolve (done) call the API. A list, not a table, so it reads on a phone.
const ALERT_KINDS = {
  'max-silence': 'Silent too long', waiting: 'Waiting for a decision', 'all-channels-failed': 'Could not be reached',
  'no-contact': 'No address to write to', 'details-missing': 'Details missing', 'unanswered-question': 'Question unanswered', 'low-survey-score': 'Low survey score',
  'reschedule-requested': 'Another time asked for', 'accessibility-needs': 'Accessibility needs',
};
const ALERT_WHAT = {
  'max-silence': (d) => `has not heard from us for ${d ?? 'too many'} days`, waiting: (d) => `has been waiting ${d ?? 'too many'} days without a decision`,
  'all-channels-failed': () => 'could not be reached on any channel', 'no-contact': () => 'has no address we may write to',
  'details-missing': () => 'is missing details a message needs', 'unanswered-question': () => 'asked a question that is still unanswered', 'low-survey-score': () => 'gave the process a low score',
  'reschedule-requested': () => 'asked for another interview time', 'accessibility-needs': () => 'stated accessibility needs for the interview',
};
const ALERT_STATES = ['open', 'acknowledged', 'resolved', 'all'];
async function alerts(focus) {
  const mine = generation;
  const p = params();
  const state = ALERT_STATES.includes(p.get('state')) ? p.get('state') : 'open';
  const reason = p.get('reason') || '';
  const applicationId = p.get('applicationId') || '';
  const q = new URLSearchParams({ state });
  if (reason) q.set('reason', reason);
  if (applicationId) q.set('applicationId', applicationId);
  const { alerts: list, counts } = await api('GET', `/alerts?${q}`);
  const link = (change) => `#/alerts?${new URLSearchParams(Object.entries({ state, reason, applicationId, ...change }).filter(([, v]) => v))}`;
  const tabs = ALERT_STATES.map((st) => `<a href="${esc(link({ state: st }))}"${st === state ? ' aria-current="true"' : ''}>${st}${st === 'all' ? '' : ` (${counts?.[st] ?? 0})`}</a>`).join(' · ');
  const item = (a) => {
    const who = a.candidateName || a.applicationId;
    const status = a.resolvedAt
      ? `<span class="badge ok">resolved</span> ${time(a.resolvedAt, ago(a.resolvedAt))}`
      : a.acknowledgedAt ? `<span class="badge">acknowledged</span> ${time(a.acknowledgedAt, ago(a.acknowledgedAt))}` : '<span class="badge breached">open</span>';
    const buttons = [
      !a.acknowledgedAt && !a.resolvedAt ? `<button type="button" data-alert="${esc(a.alertId)}" data-action="acknowledge">Acknowledge<span class="visually-hidden"> the alert about ${esc(who)}</span></button>` : '',
      !a.resolvedAt ? `<button type="button" data-alert="${esc(a.alertId)}" data-action="resolve">Resolve<span class="visually-hidden"> the alert about ${esc(who)}</span></button>` : '',
    ].join(' ');
    return `<li class="alert${a.resolvedAt ? '' : a.acknowledgedAt ? ' acked' : ' open'}" data-alert-item="${esc(a.alertId)}">
      <h3><span class="person">${esc(who)}</span>${a.jobTitle ? ` <span class="job">${esc(a.jobTitle)}</span>` : ''}</h3>
      <p><strong>${esc(ALERT_KINDS[a.reason] || a.reason)}</strong>: ${esc(who)} ${esc((ALERT_WHAT[a.reason] || (() => `needs attention (${a.reason})`))(a.days))}.</p>
      <p class="meta">Raised ${time(a.raisedAt, ago(a.raisedAt))} · ${status}${a.escalatedAt ? ` · escalated ${time(a.escalatedAt, ago(a.escalatedAt))}` : ''}</p>
      <p class="actions"><a href="#/applications/${enc(a.applicationId)}">Open ${esc(who)}</a>${a.atsUrl ? ` <a href="${esc(a.atsUrl)}" target="_blank" rel="noopener noreferrer">in the ATS<span class="visually-hidden"> (${esc(who)})</span></a>` : ''}${buttons.trim() ? ` ${buttons}` : ''}</p>
    </li>`;
  };
  show(mine, 'Alerts', `<h2>${applicationId ? `Alerts about ${esc(applicationId)}` : 'Alerts'}</h2>
    <p>What needs a person: acknowledge an alert when someone is on it (it leaves the board's SLA breach), resolve it when it is done (it is never sent or escalated again).</p>
    <p class="tabs">Show: ${tabs}${applicationId ? ' · <a href="#/alerts">every application</a>' : ''}</p>
    <form id="alert-filter" class="controls"><label for="alert-kind">Kind</label> <select id="alert-kind" name="reason"><option value="">all kinds</option>${Object.entries(ALERT_KINDS).map(([k, v]) => `<option value="${k}"${k === reason ? ' selected' : ''}>${esc(v)}</option>`).join('')}</select> <button type="submit">Filter</button></form>
    ${list.length ? `<ul class="alerts">${list.map(item).join('')}</ul>` : `<p>No ${state === 'all' ? '' : `${state} `}alerts${reason ? ` of this kind` : ''}.</p>`}`, focus);
  $('alert-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = link({ reason: $('alert-kind').value });
  });
  for (const button of main.querySelectorAll('button[data-alert]')) {
    button.addEventListener('click', async () => {
      const { alert: id, action } = button.dataset;
      const who = button.closest('li').querySelector('.person').textContent;
      const at = [...main.querySelectorAll('li[data-alert-item]')].indexOf(button.closest('li'));
      button.disabled = true;
      try {
        await api('POST', `/alerts/${enc(id)}/${action}`);
        await alerts(false);
        say(`Alert about ${who} ${action === 'resolve' ? 'resolved' : 'acknowledged'}`);
        // Keep the keyboard where it was: on the same alert if it is still listed, else the one that took its place.
        const items = [...main.querySelectorAll('li[data-alert-item]')];
        const next = items.find((li) => li.dataset.alertItem === id) || items[at] || items[at - 1];
        (next?.querySelector('button') || next?.querySelector('a') || main.querySelector('h2'))?.focus();
      } catch (error) {
        if (error !== STALE) { button.disabled = false; say(error.message); }
      }
    });
  }
}

// Analytics: the promise in figures and charts (SVG rendered by the API), for a range, journey version and job.
const pct = (v) => (v === null ? '–' : `${Math.round(v * 1000) / 10}%`);
const dur = (ms) => (ms === null ? '–' : ms < 60000 ? `${Math.round(ms / 1000)} s` : span(ms));
async function analytics(focus) {
  const mine = generation;
  const p = params();
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const q = new URLSearchParams({ from: p.get('from') || day(Date.now() - 30 * 864e5), to: p.get('to') || day(Date.now() + 864e5) });
  for (const f of ['version', 'job']) if (p.get(f)) q.set(f, p.get(f));
  const r = await api('GET', `/analytics?${q}&charts=svg`);
  const input = (name, label, type = 'text') => `<label>${label} <input name="${name}" type="${type}" value="${esc(q.get(name) || '')}"></label>`;
  const kpi = [['Applications', r.applications], ['Acknowledged, p50', dur(r.acknowledgement.p50Ms)], ['Acknowledged, p95', dur(r.acknowledgement.p95Ms)], ['Silence promise kept', pct(r.silence.keptShare)],
    ['Closed with a closing message', pct(r.closing.share)], ['Reply rate', pct(r.replies.rate)], ['Survey score', r.survey.averageScore ?? '–']];
  show(mine, 'Analytics', `<h2>The promise in figures</h2>
    <form id="an-form" class="controls">${input('from', 'From', 'date')}${input('to', 'To (exclusive)', 'date')}${input('version', 'Journey version')}${input('job', 'Job')}<button>Show</button> <button type="button" id="an-csv">Download CSV</button></form>
    <dl class="facts" id="kpi">${kpi.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
    <div class="charts">${Object.values(r.charts).join('')}</div>`, focus);
  $('an-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams([...new FormData(e.target)].filter(([, v]) => v));
    location.hash = `#/analytics?${next}`;
  });
  $('an-csv').addEventListener('click', async () => {
    const response = await fetch(`/api/v1/analytics.csv?${q}`, { headers: { authorization: `Bearer ${key}` } });
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(await response.blob()), download: `candor-analytics-${q.get('from')}-${q.get('to')}.csv` });
    a.click();
    URL.revokeObjectURL(a.href);
  });
}

async function render(focus = true) {
  clearTimeout(refresh);
  const mine = ++generation;
  if (focus) say('');
  if (!key) return;
  const [, page, id] = route();
  try {
    if (page === 'applications' && id) await application(decodeURIComponent(id), focus);
    else if (page === 'journeys' && id) await editor(decodeURIComponent(id), focus);
    else if (page === 'journeys') await journeys(focus);
    else if (page === 'outbox') await outbox(focus);
    else if (page === 'surveys') await verdicts(focus);
    else if (page === 'inbox') await inbox(focus);
    else if (page === 'alerts') await alerts(focus);
    else if (page === 'analytics') await analytics(focus);
    else await board(focus);
  } catch (error) {
    if (error !== STALE && mine === generation) failure(error);
  }
}

$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  key = keyInput.value.trim();
  localStorage.setItem('candor-api-key', key);
  void render();
});
$('skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
keyInput.value = key;
window.addEventListener('hashchange', () => void render());
void render(false);
