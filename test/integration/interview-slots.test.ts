import { Writable } from 'node:stream';
import pino from 'pino';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { projectJourney } from '../../core/store/board';
import { eraseCandidateData } from '../../core/store/erasure';
import { chooseSlot, offerSlots } from '../../core/store/interview-slots';
import { createStatusToken } from '../../core/store/status-tokens';
import { addApiKey, ensureTenant, generateApiKey } from '../../core/store';
import { buildApi } from '../../services/api/server';
import type { JourneyBoardEntry } from '../../workflows/shared';
import { useFixture } from '../helpers/fixture';
import { freePort } from '../helpers/ports';

const shipped = loadDefaultJourneys();
const sv = shipped.get('sv')!;
const HOUR = 3_600_000;
const NEEDS = 'Jag använder rullstol och behöver en hiss till mötesrummet';

/**
 * Interviews on the candidate's terms through the real api server (buildApi with its access log) on PostgreSQL: the
 * recruiter offers slots through the API, the candidate books one on their status page with a plain form post, two
 * candidates racing for one slot (exactly one wins, the other is told and sees what is left), accessibility needs that
 * only the recruiters' API can read, the two-step withdrawal, and erasure removing all of it.
 */
describe('interview slots on the status page (PostgreSQL, the api server)', () => {
  const t = useFixture({ database: 'postgres' });
  const logLines: string[] = [];
  const apiKey = generateApiKey();
  const otherKey = generateApiKey();
  let base: string;
  let seq = 0;
  /** Monday 12:00 a week from now, in Stockholm's winter time: slots are offered from there on. */
  const day = Date.parse('2026-12-07T11:00:00Z') + 7 * 24 * HOUR * Math.max(0, Math.ceil((Date.now() - Date.parse('2026-12-07T11:00:00Z')) / (7 * 24 * HOUR)));

  beforeAll(async () => {
    await addApiKey(t.db, 'acme', apiKey, 'test');
    await ensureTenant(t.db, { id: 'globex', name: 'Globex' });
    await addApiKey(t.db, 'globex', otherKey, 'test');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const api = buildApi({ logger: pino({ level: 'info' }, sink), probes: [], v1: { db: t.db, temporal: undefined, publicUrl: base, shipped } });
    t.onTeardown(() => api.close());
    await api.listen({ host: '127.0.0.1', port });
  });

  /** An application in the interview stage with a board row (as its journey writes it) and a status-page link. */
  async function application(locale = 'sv-SE'): Promise<{ applicationId: string; token: string }> {
    const applicationId = `int-app-${++seq}`;
    const entry: JourneyBoardEntry = {
      tenant: 'acme', applicationId, journeyId: 'default-sv', definitionVersion: sv.version, status: 'open', outcome: null, stage: 'interview', paused: false,
      timeZone: 'Europe/Stockholm', locale, startedAt: Date.now(), waitingSince: Date.now(), lastMessage: null, nextMessage: null, seq: 1,
    };
    await projectJourney(t.db, entry);
    const token = await createStatusToken(t.db, { tenant: 'acme', applicationId, messageId: `${applicationId}:m1` }, { jobTitle: 'Backend Engineer', recruiterName: 'Maja Lind', locale, timeZone: 'Europe/Stockholm' });
    return { applicationId, token };
  }
  const api = (path: string, init: RequestInit = {}, key = apiKey) =>
    fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const post = (url: string, form: Record<string, string>) =>
    fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const slot = (id: string, hoursFromDay: number) => ({ id, start: new Date(day + hoursFromDay * HOUR).toISOString(), end: new Date(day + (hoursFromDay + 1) * HOUR).toISOString(), location: 'Kontoret, Stockholm' });

  it('the recruiter offers slots through the API; the candidate books one with a form post and sees it in their language and time zone', async () => {
    const { applicationId, token } = await application();
    const offered = await api(`/applications/${applicationId}/interview-slots`, { method: 'POST', body: JSON.stringify({ interviewId: 'int-1', slots: [slot('a1', 0), slot('a2', 2)] }) });
    expect(offered.status).toBe(201);
    expect(((await offered.json()) as { added: number }).added).toBe(2);
    // Offered again: nothing new; the same id with another time: a conflict, and the first offer stands.
    expect((await api(`/applications/${applicationId}/interview-slots`, { method: 'POST', body: JSON.stringify({ interviewId: 'int-1', slots: [slot('a1', 0)] }) })).status).toBe(200);
    expect((await api(`/applications/${applicationId}/interview-slots`, { method: 'POST', body: JSON.stringify({ interviewId: 'int-1', slots: [slot('a1', 5)] }) })).status).toBe(409);
    // Another tenant's key sees no such application.
    expect((await api(`/applications/${applicationId}/interview-slots`, {}, otherKey)).status).toBe(404);

    // The main page invites the choice; the interview page lists both times, Stockholm time, in Swedish.
    const main = await (await fetch(`${base}/s/${token}`)).text();
    expect(main).toContain('Välj en tid för din intervju');
    const picker = await (await fetch(`${base}/s/${token}/interview`)).text();
    expect(picker).toContain('12:00–13:00');
    expect(picker).toContain('14:00–15:00');
    expect(picker).toContain('Plats: Kontoret, Stockholm');
    expect(picker).not.toMatch(/<script/i);
    const english = await (await fetch(`${base}/s/${token}/interview?lang=en`)).text();
    expect(english).toContain('Choose a time for your interview');
    expect(english).toMatch(/Monday \d+ December at 12:00–13:00/);

    const booked = await post(`${base}/s/${token}/interview/choose`, { slot: 'a2', lang: 'sv' });
    expect(booked.status).toBe(303);
    expect(booked.headers.get('location')).toBe(`/s/${token}/interview?lang=sv&done=booked`);
    const after = await (await fetch(`${base}${booked.headers.get('location')}`)).text();
    expect(after).toMatch(/Klart: din intervju är bokad [^<]*14:00–15:00/);
    // Moving to the other slot gives the first back.
    await post(`${base}/s/${token}/interview/choose`, { slot: 'a1' });
    const state = (await (await api(`/applications/${applicationId}/interview-slots`)).json()) as { slots: { slotId: string; status: string }[] };
    expect(state.slots.map((s) => [s.slotId, s.status])).toEqual([['a1', 'yours'], ['a2', 'free']]);
    // A slot never offered to this application cannot be booked by naming it.
    expect((await post(`${base}/s/${token}/interview/choose`, { slot: 'not-offered' })).headers.get('location')).toContain('done=gone');
  });

  it('two candidates racing for one slot: exactly one gets it, the other is told and sees the times still free', async () => {
    const first = await application();
    const second = await application('en-GB');
    for (const { applicationId } of [first, second]) {
      expect((await api(`/applications/${applicationId}/interview-slots`, { method: 'POST', body: JSON.stringify({ interviewId: 'int-1', slots: [slot('shared-1', 24), slot(`own-${applicationId}`, 26)] }) })).status).toBe(201);
    }
    const [a, b] = await Promise.all([first, second].map(({ token }) => post(`${base}/s/${token}/interview/choose`, { slot: 'shared-1' })));
    const outcomes = [a!, b!].map((r) => new URL(r.headers.get('location')!, base).searchParams.get('done')).sort();
    expect(outcomes).toEqual(['booked', 'taken']);
    const { rows } = await t.db.query<{ application_id: string }>("select application_id from interview_slot_bookings where tenant_id = 'acme' and slot_id = 'shared-1'");
    expect(rows).toHaveLength(1);
    const loser = rows[0]!.application_id === first.applicationId ? second : first;
    const told = await (await fetch(`${base}/s/${loser.token}/interview?lang=en&done=taken`)).text();
    expect(told).toContain('Someone else booked that time a moment ago');
    expect(told).not.toContain('value="shared-1"');
    expect(told).toContain(`value="own-${loser.applicationId}"`);

    // The store alone, many at once: twenty applications race for one slot and one wins.
    const racers = await Promise.all(Array.from({ length: 20 }, () => application()));
    for (const { applicationId } of racers) await offerSlots(t.db, { tenant: 'acme', applicationId, interviewId: 'int-9', slots: [{ slotId: 'crowded', start: slot('x', 30).start, end: slot('x', 30).end }], offeredBy: 'recruiter' });
    const results = await Promise.all(racers.map(({ applicationId }) => chooseSlot(t.db, { tenant: 'acme', applicationId, slotId: 'crowded', now: Date.now() })));
    expect(results.filter((r) => r.status === 'booked')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'taken')).toHaveLength(19);
  });

  it('accessibility needs and a note reach the recruiters\' API only: sealed in the store, never echoed on the page or in the log', async () => {
    const { applicationId, token } = await application();
    await api(`/applications/${applicationId}/interview-slots`, { method: 'POST', body: JSON.stringify({ interviewId: 'int-1', slots: [slot('n1', 48)] }) });
    const stated = await post(`${base}/s/${token}/interview/needs`, { needs: NEEDS });
    expect(stated.headers.get('location')).toContain('done=needs');
    const asked = await post(`${base}/s/${token}/interview/reschedule`, { interview: 'int-1', note: 'Bara torsdagar' });
    expect(asked.headers.get('location')).toContain('done=reschedule');

    const page = await (await fetch(`${base}/s/${token}/interview?done=needs`)).text();
    expect(page).toContain('Maja Lind vet vad du behöver');
    expect(page).not.toContain('rullstol');
    const raw = JSON.stringify((await t.db.query("select * from candidate_accessibility_needs where tenant_id = 'acme' and application_id = $1", [applicationId])).rows)
      + JSON.stringify((await t.db.query("select * from interview_requests where tenant_id = 'acme' and application_id = $1", [applicationId])).rows);
    expect(raw).not.toContain('rullstol');
    expect(raw).not.toContain('torsdagar');
    const alerts = await t.db.query<{ reason: string }>("select reason from recruiter_alerts where tenant_id = 'acme' and application_id = $1 order by reason", [applicationId]);
    expect(alerts.rows.map((r) => r.reason)).toEqual(['accessibility-needs']);

    const read = (await (await api(`/applications/${applicationId}/interview-slots`)).json()) as { accessibilityNeeds: { text: string }; rescheduleRequests: { note: string }[] };
    expect(read.accessibilityNeeds.text).toBe(NEEDS);
    expect(read.rescheduleRequests.map((r) => r.note)).toEqual(['Bara torsdagar']);
    expect((await api(`/applications/${applicationId}/interview-slots`, {}, otherKey)).status).toBe(404);
    expect(logLines.join('')).not.toContain('rullstol');
    expect(logLines.join('')).not.toContain('torsdagar');
    expect(logLines.join('')).not.toContain(token);
  });

  it('in the interview stage before any time is offered, the page still takes accessibility needs', async () => {
    const { applicationId, token } = await application();
    const main = await (await fetch(`${base}/s/${token}`)).text();
    expect(main).toContain('Inga tider har erbjudits ännu');
    expect(main).toContain(`href="/s/${token}/interview?lang=sv">Något vi bör ordna för dig?</a>`);
    const picker = await (await fetch(`${base}/s/${token}/interview`)).text();
    expect(picker).not.toContain('name="slot"');
    expect((await post(`${base}/s/${token}/interview/needs`, { needs: NEEDS })).headers.get('location')).toContain('done=needs');
    expect(((await (await api(`/applications/${applicationId}/interview-slots`)).json()) as { accessibilityNeeds: { text: string } }).accessibilityNeeds.text).toBe(NEEDS);
  });

  it('withdraws in two steps, once; erasure removes the offers, booking, requests, needs and withdrawal, and frees the slot', async () => {
    const { applicationId, token } = await application();
    await api(`/applications/${applicationId}/interview-slots`, { method: 'POST', body: JSON.stringify({ interviewId: 'int-1', slots: [slot('e1', 72)] }) });
    await post(`${base}/s/${token}/interview/choose`, { slot: 'e1' });
    await post(`${base}/s/${token}/interview/needs`, { needs: NEEDS });
    await post(`${base}/s/${token}/interview/reschedule`, { interview: 'int-1', note: 'En annan vecka' });

    const main = await (await fetch(`${base}/s/${token}`)).text();
    expect(main).toContain(`href="/s/${token}/withdraw?lang=sv"`);
    const confirm = await fetch(`${base}/s/${token}/withdraw`);
    expect(await confirm.text()).toContain('Dra tillbaka din ansökan?');
    expect((await t.db.query('select 1 from candidate_withdrawals where application_id = $1', [applicationId])).rows).toHaveLength(0);
    const done = await post(`${base}/s/${token}/withdraw`, { confirm: 'yes', lang: 'sv' });
    expect(done.headers.get('location')).toBe(`/s/${token}?lang=sv&done=withdrawn`);
    await post(`${base}/s/${token}/withdraw`, { confirm: 'yes' });
    expect((await t.db.query('select 1 from candidate_withdrawals where application_id = $1', [applicationId])).rows).toHaveLength(1);
    const after = await (await fetch(`${base}${done.headers.get('location')}`)).text();
    expect(after).toContain('Din ansökan är tillbakadragen');
    expect(after).not.toContain('/withdraw?');

    await eraseCandidateData(t.db, { tenant: 'acme', applicationIds: [applicationId] });
    for (const table of ['interview_slot_offers', 'interview_slot_bookings', 'interview_requests', 'candidate_accessibility_needs', 'candidate_withdrawals']) {
      expect((await t.db.query(`select 1 from ${table} where tenant_id = 'acme' and application_id = $1`, [applicationId])).rows).toEqual([]);
    }
    // The slot is the company's: it stays, free for someone else.
    expect((await t.db.query("select 1 from interview_slots where tenant_id = 'acme' and slot_id = 'e1'")).rows).toHaveLength(1);
    expect((await fetch(`${base}/s/${token}`)).status).toBe(404);
  });
});
