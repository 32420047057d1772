import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openPgliteDatabase } from '../../core/store';
import { projectJourney, readBoardPage } from '../../core/store/board';
import { compactAfterErasure, eraseCandidateData } from '../../core/store/erasure';
import { admitApplicationEvent, readApplicationPeople, recordApplicationPeople, resealApplicationPeople } from '../../core/store/people';
import { useSecretKeys } from '../../core/store/secrets';
import { parseEncryptionKeys } from '../../core/temporal/codec';
import type { JourneyBoardEntry } from '../../workflows/shared';
import { databaseKinds, type FreshDatabase } from '../helpers/databases';

const OLD_KEY = parseEncryptionKeys(`old:${Buffer.alloc(32, 1).toString('base64')}`)[0]!;
const NEW_KEY = parseEncryptionKeys(`new:${Buffer.alloc(32, 2).toString('base64')}`)[0]!;

/** Every byte of every file under `dir`. */
function filesUnder(dir: string): Buffer[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [readFileSync(path)];
  });
}

const row = (tenant: string, applicationId: string, stage: string, waitingSince: number): JourneyBoardEntry => ({
  tenant,
  applicationId,
  journeyId: 'default-en',
  definitionVersion: 'default-en@v1',
  status: 'open',
  outcome: null,
  stage,
  paused: false,
  timeZone: 'Europe/Stockholm',
  locale: 'en',
  startedAt: waitingSince,
  waitingSince,
  lastMessage: null,
  nextMessage: null,
  seq: 1,
});

const search = async (db: FreshDatabase['db'], tenant: string, q: string) =>
  (await readBoardPage(db, tenant, { q, limit: 50 })).rows.map((r) => r.application_id).sort();

describe('names and jobs on the board: sealed at rest, searchable, rotatable, erased', () => {
  it('keeps no candidate name or job title in plain text in the store files (PGlite on disk), also after erasure', async () => {
    useSecretKeys([OLD_KEY]);
    const dir = mkdtempSync(join(tmpdir(), 'candor-board-names-'));
    let db = await openPgliteDatabase(dir);
    try {
      await migrate(db);
      await recordApplicationPeople(db, 'acme', 'app-1', {
        candidateName: 'Zoë Quigglesworth',
        jobTitle: 'Xylophone Tuner',
        recruiter: { name: 'Grace Hopperlind', email: 'grace.hopperlind@acme.example' },
        atsUrl: 'https://ats.example/applications/app-1',
      });
      await projectJourney(db, row('acme', 'app-1', 'applied', Date.parse('2026-11-01T09:00:00Z')));
      expect(await search(db, 'acme', 'quiggles')).toEqual(['app-1']);
      await db.exec('checkpoint');
      await db.close();
      const secrets = ['Quigglesworth', 'Xylophone', 'Hopperlind', 'grace.hopperlind'];
      const files = filesUnder(dir);
      for (const secret of secrets) expect(files.filter((bytes) => bytes.includes(secret))).toHaveLength(0);

      // The api role opens them for the tenant; erasure removes them.
      db = await openPgliteDatabase(dir);
      expect((await readApplicationPeople(db, 'acme', ['app-1'])).get('app-1')).toMatchObject({ candidateName: 'Zoë Quigglesworth', jobTitle: 'Xylophone Tuner' });
      expect((await readApplicationPeople(db, 'globex', ['app-1'])).size).toBe(0);
      await eraseCandidateData(db, { tenant: 'acme', applicationIds: ['app-1'] });
      await compactAfterErasure(db);
      expect((await readApplicationPeople(db, 'acme', ['app-1'])).size).toBe(0);
      expect(await search(db, 'acme', 'quiggles')).toEqual([]);
      expect((await db.query('select count(*)::int as n from application_people')).rows[0]).toEqual({ n: 0 });
    } finally {
      await db.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(databaseKinds)('%s', (_kind, fresh) => {
    let database: FreshDatabase;
    beforeAll(async () => {
      useSecretKeys([OLD_KEY]);
      database = await fresh();
      await migrate(database.db);
      const at = Date.parse('2026-11-01T09:00:00Z');
      const people = [
        ['app-a', 'Zoë Andersson', 'Backend Engineer', 'applied'],
        ['app-b', 'Omar Haddad', 'Product Designer', 'applied'],
        ['app-c', 'Ada Lovelace', 'Backend Engineer', 'screening'],
      ] as const;
      for (const [id, candidateName, jobTitle, stage] of people) {
        await recordApplicationPeople(database.db, 'acme', id, { candidateName, jobTitle });
        await projectJourney(database.db, row('acme', id, stage, at + people.findIndex((p) => p[0] === id) * 60_000));
      }
      // Another tenant with the same name: never in acme's answers.
      await recordApplicationPeople(database.db, 'globex', 'app-g', { candidateName: 'Zoë Andersson', jobTitle: 'Backend Engineer' });
      await projectJourney(database.db, row('globex', 'app-g', 'applied', at));
    });
    afterAll(async () => {
      await database.db.close();
      await database.drop();
    });

    it('finds applications by the start of a word of the name or job (any case, without accents) and by stage', async () => {
      expect(await search(database.db, 'acme', 'zoe')).toEqual(['app-a']);
      expect(await search(database.db, 'acme', 'ANDERS')).toEqual(['app-a']);
      expect(await search(database.db, 'acme', 'backend eng')).toEqual(['app-a', 'app-c']);
      expect(await search(database.db, 'acme', 'backend screening')).toEqual(['app-c']);
      expect(await search(database.db, 'acme', 'screening')).toEqual(['app-c']);
      expect(await search(database.db, 'acme', 'designer')).toEqual(['app-b']);
      // A word must start a word: "ndersson" is inside one, so it matches nothing.
      expect(await search(database.db, 'acme', 'ndersson')).toEqual([]);
      expect(await search(database.db, 'globex', 'zoe')).toEqual(['app-g']);
      const page = await readBoardPage(database.db, 'acme', { q: 'omar', limit: 50 });
      expect(page.total).toBe(1);
      expect(page.rows[0]!.people_sealed).toMatch(/^v1:old:/);
      expect(page.rows[0]!.people_sealed).not.toContain('Omar');
    });

    it('a repeated event writes nothing; a later event keeps what it does not carry', async () => {
      expect(await recordApplicationPeople(database.db, 'acme', 'app-b', { candidateName: 'Omar Haddad' })).toBe(false);
      expect(await recordApplicationPeople(database.db, 'acme', 'app-b', { recruiter: { name: 'Grace', email: 'grace@acme.example', locale: 'sv-SE' } })).toBe(true);
      expect((await readApplicationPeople(database.db, 'acme', ['app-b'])).get('app-b')).toEqual({
        candidateName: 'Omar Haddad',
        jobTitle: 'Product Designer',
        recruiter: { name: 'Grace', email: 'grace@acme.example', locale: 'sv-SE' },
      });
    });

    it('keeps finding and opening names across a key rotation, and reseals them under the new key', async () => {
      useSecretKeys([NEW_KEY, OLD_KEY]);
      expect(await search(database.db, 'acme', 'lovelace')).toEqual(['app-c']);
      expect(await resealApplicationPeople(database.db, 'new')).toBe(4);
      expect(await resealApplicationPeople(database.db, 'new')).toBe(0);
      useSecretKeys([NEW_KEY]);
      expect(await search(database.db, 'acme', 'lovelace')).toEqual(['app-c']);
      expect((await readApplicationPeople(database.db, 'acme', ['app-c'])).get('app-c')?.candidateName).toBe('Ada Lovelace');
      // Without the key the name is not shown, and the board still answers (ids only).
      useSecretKeys([OLD_KEY]);
      expect((await readApplicationPeople(database.db, 'acme', ['app-c'])).size).toBe(0);
      expect((await readBoardPage(database.db, 'acme', { limit: 50 })).rows).toHaveLength(3);
      useSecretKeys([NEW_KEY, OLD_KEY]);
    });

    it('as ingest admits events: merged like any other, and refused without a write once the candidate was erased', async () => {
      expect(await admitApplicationEvent(database.db, 'globex', 'app-new', {})).toBe('unchanged');
      expect(await admitApplicationEvent(database.db, 'globex', 'app-new', { candidateName: 'Ada Byron' })).toBe('recorded');
      expect(await admitApplicationEvent(database.db, 'globex', 'app-new', { candidateName: 'Ada Byron' })).toBe('unchanged');
      expect(await admitApplicationEvent(database.db, 'globex', 'app-new', { jobTitle: 'Analyst' })).toBe('recorded');
      // The same application id at another tenant is another application.
      expect(await admitApplicationEvent(database.db, 'acme', 'app-new', { candidateName: 'Grace Hopper' })).toBe('recorded');
      expect((await readApplicationPeople(database.db, 'globex', ['app-new'])).get('app-new')).toEqual({ candidateName: 'Ada Byron', jobTitle: 'Analyst' });
      await eraseCandidateData(database.db, { tenant: 'globex', applicationIds: ['app-new'] });
      expect(await admitApplicationEvent(database.db, 'globex', 'app-new', { candidateName: 'Ada Byron', jobTitle: 'Analyst' })).toBe('erased');
      expect(await admitApplicationEvent(database.db, 'globex', 'app-new', {})).toBe('erased');
      expect((await readApplicationPeople(database.db, 'globex', ['app-new'])).size).toBe(0);
      expect(await admitApplicationEvent(database.db, 'acme', 'app-new', { candidateName: 'Grace Hopper' })).toBe('unchanged');
      expect((await readApplicationPeople(database.db, 'acme', ['app-new'])).get('app-new')).toEqual({ candidateName: 'Grace Hopper' });
    });

    it('as ingest admits a new application (likelyNew): written in one statement, merged when a row is there, refused once erased', async () => {
      const likelyNew = { likelyNew: true };
      expect(await admitApplicationEvent(database.db, 'globex', 'app-first', { candidateName: 'Ada Byron', jobTitle: 'Analyst' }, likelyNew)).toBe('recorded');
      expect((await readApplicationPeople(database.db, 'globex', ['app-first'])).get('app-first')).toEqual({ candidateName: 'Ada Byron', jobTitle: 'Analyst' });
      // Redelivered, or after a later event: the row is there, so it is merged (and unchanged content writes nothing).
      expect(await admitApplicationEvent(database.db, 'globex', 'app-first', { candidateName: 'Ada Byron', jobTitle: 'Analyst' }, likelyNew)).toBe('unchanged');
      expect(await admitApplicationEvent(database.db, 'globex', 'app-first', { jobId: 'job-7' }, likelyNew)).toBe('recorded');
      expect((await readApplicationPeople(database.db, 'globex', ['app-first'])).get('app-first')).toEqual({ candidateName: 'Ada Byron', jobTitle: 'Analyst', jobId: 'job-7' });
      // The same application id at another tenant is another application.
      expect(await admitApplicationEvent(database.db, 'acme', 'app-first', { candidateName: 'Grace Hopper' }, likelyNew)).toBe('recorded');
      await eraseCandidateData(database.db, { tenant: 'globex', applicationIds: ['app-first'] });
      expect(await admitApplicationEvent(database.db, 'globex', 'app-first', { candidateName: 'Ada Byron' }, likelyNew)).toBe('erased');
      expect((await readApplicationPeople(database.db, 'globex', ['app-first'])).size).toBe(0);
      // An application erased before its first event arrived never gets a row.
      await eraseCandidateData(database.db, { tenant: 'globex', applicationIds: ['app-never'] });
      expect(await admitApplicationEvent(database.db, 'globex', 'app-never', { candidateName: 'Ada Byron' }, likelyNew)).toBe('erased');
      expect((await readApplicationPeople(database.db, 'globex', ['app-never'])).size).toBe(0);
      expect((await readApplicationPeople(database.db, 'acme', ['app-first'])).get('app-first')).toEqual({ candidateName: 'Grace Hopper' });
    });
  });
});
