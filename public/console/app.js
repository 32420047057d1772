// Candor console: a no-build page over the recruiter API (/api/v1). Hash routes: #/board,
// #/applications/<id>, #/journeys, #/journeys/<id>. The API key stays in this browser's localStorage.
'use strict';

const main = document.getElementById('main');
const status = document.getElementById('status');
const keyInput = document.getElementById('api-key');
let key = localStorage.getItem('candor-api-key') || '';
let refresh;

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const say = (text) => { status.textContent = text; };

async function api(method, path, body) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = response.status === 204 ? {} : await response.json();
  if (!response.ok) throw Object.assign(new Error(data.error?.message || response.statusText), { data, status: response.status });
  return data;
}

function waited(iso) {
  if (!iso) return '';
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}
const local = (iso) => (iso ? new Date(iso).toLocaleString() : '');

function show(html, title) {
  main.innerHTML = html;
  document.title = `${title} · Candor console`;
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', location.hash.startsWith(a.getAttribute('href')));
  // Move focus to the new page for keyboard and screen-reader users, but not on a background refresh.
  if (focusMain) main.focus();
}
let focusMain = true;

function failure(error) {
  const details = error.data?.error?.details?.map((d) => `<li><code>${esc(d.path)}</code>: ${esc(d.message)}</li>`).join('') || '';
  main.innerHTML = `<p class="errors" role="alert">${esc(error.message)}</p>${details ? `<ul class="errors">${details}</ul>` : ''}`;
}

async function board() {
  const stage = new URLSearchParams(location.hash.split('?')[1] || '').get('stage') || '';
  const { applications, total } = await api('GET', `/applications?limit=200${stage ? `&stage=${encodeURIComponent(stage)}` : ''}`);
  const stages = ['', 'applied', 'screening', 'interview', 'offer'];
  const rows = applications
    .map((a) => `<tr class="${a.sla}"><td><a href="#/applications/${encodeURIComponent(a.applicationId)}">${esc(a.applicationId)}</a></td><td>${esc(a.stage)}</td>
      <td><time datetime="${esc(a.waitingSince)}" title="${esc(local(a.waitingSince))}">${esc(waited(a.waitingSince))}</time></td>
      <td><span class="badge ${a.sla}">${a.sla === 'breached' ? `SLA breached (${esc(a.alertReasons.join(', '))})` : 'on track'}</span></td></tr>`)
    .join('');
  show(
    `<h2>Candidates, longest waiting first</h2>
     <label for="stage">Stage</label> <select id="stage">${stages.map((s) => `<option value="${s}" ${s === stage ? 'selected' : ''}>${s || 'all'}</option>`).join('')}</select>
     <p class="muted">${total} open application(s); refreshes every 5 seconds.</p>
     <table><caption class="visually-hidden">Open applications</caption><thead><tr><th scope="col">Application</th><th scope="col">Stage</th><th scope="col">Waiting</th><th scope="col">SLA</th></tr></thead>
     <tbody>${rows || '<tr><td colspan="4">Nobody is waiting.</td></tr>'}</tbody></table>`,
    'Candidates',
  );
  document.getElementById('stage').addEventListener('change', (e) => { location.hash = `#/board${e.target.value ? `?stage=${e.target.value}` : ''}`; });
  refresh = setTimeout(() => route(false), 5000);
}

async function application(id) {
  const { status: s, timeline } = await api('GET', `/applications/${encodeURIComponent(id)}`);
  const rows = timeline
    .map((e) => `<tr><td>${esc(local(e.at))}</td><td>${esc(e.type)}</td><td>${esc(e.template || e.eventType || e.stage || '')}</td><td>${esc(e.channel || '')}</td><td>${esc(e.dueAt ? `due ${local(e.dueAt)}` : '')} ${esc(e.reason || '')}</td></tr>`)
    .join('');
  show(
    `<h2>Application ${esc(id)}</h2>
     <p>Stage <strong>${esc(s.stage)}</strong> · ${s.paused ? 'paused' : esc(s.status)} · journey ${esc(s.definitionVersion)} · last message ${esc(local(s.lastMessageAt))}</p>
     <p>Next: ${s.scheduled.map((m) => `${esc(m.template)} at ${esc(local(m.dueAt))}`).join(', ') || 'nothing scheduled'}</p>
     <p><button id="pause">${s.paused ? 'Resume' : 'Pause'}</button></p>
     <table><caption>What the candidate experienced (times in your local time)</caption><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Detail</th><th scope="col">Channel</th><th scope="col">Note</th></tr></thead><tbody>${rows}</tbody></table>`,
    `Application ${id}`,
  );
  document.getElementById('pause').addEventListener('click', async () => {
    try { await api('POST', `/applications/${encodeURIComponent(id)}/${s.paused ? 'resume' : 'pause'}`); say(s.paused ? 'Resumed' : 'Paused'); route(false); } catch (error) { failure(error); }
  });
}

async function journeys() {
  const { journeys: list } = await api('GET', '/journeys');
  show(
    `<h2>Journeys</h2><ul>${list.map((j) => `<li><a href="#/journeys/${encodeURIComponent(j.id)}">${esc(j.name || j.id)}</a> <span class="muted">${esc(j.id)} · ${j.origin === 'shipped' ? 'shipped default' : `${j.latestVersion ? `v${j.latestVersion}` : 'unpublished'}${j.hasDraft ? ', draft' : ''}`}</span></li>`).join('')}</ul>`,
    'Journeys',
  );
}

async function editor(id) {
  const journey = await api('GET', `/journeys/${encodeURIComponent(id)}`);
  const definition = journey.draft || journey.published?.definition || journey.shipped?.definition;
  show(
    `<h2>Journey ${esc(id)}</h2>
     <div class="editor">
       <section aria-labelledby="def-h"><h3 id="def-h">Definition (JSON or YAML)</h3>
         <label for="definition" class="visually-hidden">Journey definition</label>
         <textarea id="definition" spellcheck="false">${esc(JSON.stringify(definition, null, 2))}</textarea>
         <div id="problems" aria-live="polite"></div>
         <p><button id="save">Save draft</button> <button id="publish">Publish</button></p>
       </section>
       <section aria-labelledby="sim-h"><h3 id="sim-h">What a candidate experiences</h3>
         <p class="muted">Applied now, screening after 3 days, no further news for 30 days.</p>
         <div id="simulation" aria-live="polite"></div>
       </section>
     </div>`,
    `Journey ${id}`,
  );
  const text = document.getElementById('definition');
  const parsed = () => { try { return JSON.parse(text.value); } catch { return text.value; } };
  let timer;
  const simulate = async () => {
    const problems = document.getElementById('problems');
    const sim = document.getElementById('simulation');
    try {
      const result = await api('POST', `/journeys/${encodeURIComponent(id)}/simulate`, {
        definition: parsed(),
        events: [{ at: '0m', type: 'ats.application.created' }, { at: '3d', type: 'ats.application.stage_changed', stage: 'screening' }],
        until: '30d',
      });
      problems.innerHTML = '<p class="badge ok">Valid</p>';
      sim.innerHTML = `<p>Longest silence: <strong>${result.longestSilence.businessDays} business day(s)</strong> (at most ${result.maxSilence}); ${result.messages.length} message(s), ${result.alerts.length} recruiter alert(s).</p>` +
        result.messages.map((m) => `<article class="message"><strong>${esc(m.localTime)}</strong> · ${esc(m.channel)} · ${esc(m.template)}${m.subject ? `<br><em>${esc(m.subject)}</em>` : ''}<pre>${esc(m.body || '')}</pre></article>`).join('');
    } catch (error) {
      const details = error.data?.error?.details || [];
      problems.innerHTML = `<p class="errors" role="alert">${esc(error.message)}</p><ul class="errors">${details.map((d) => `<li><code>${esc(d.path)}</code>: ${esc(d.message)}</li>`).join('')}</ul>`;
      sim.innerHTML = '';
    }
  };
  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(simulate, 400); });
  document.getElementById('save').addEventListener('click', async () => {
    try { await api('PUT', `/journeys/${encodeURIComponent(id)}/draft`, parsed()); say('Draft saved'); } catch (error) { say(error.message); simulate(); }
  });
  document.getElementById('publish').addEventListener('click', async () => {
    try {
      await api('PUT', `/journeys/${encodeURIComponent(id)}/draft`, parsed());
      const published = await api('POST', `/journeys/${encodeURIComponent(id)}/publish`);
      say(`Published version ${published.version}; ${published.runningJourneys?.signalled ?? 0} running journey(s) will use it from their next stage`);
    } catch (error) { say(error.message); }
  });
  await simulate();
}

async function route(focus = true) {
  clearTimeout(refresh);
  if (!key) return;
  const [, page, id] = location.hash.split('?')[0].split('/');
  focusMain = focus;
  try {
    if (page === 'applications' && id) await application(decodeURIComponent(id));
    else if (page === 'journeys' && id) await editor(decodeURIComponent(id));
    else if (page === 'journeys') await journeys();
    else await board();
  } catch (error) {
    failure(error);
  }
}

document.getElementById('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  key = keyInput.value.trim();
  localStorage.setItem('candor-api-key', key);
  route();
});
keyInput.value = key;
window.addEventListener('hashchange', () => route());
route();
