import { createActivities } from '../../activities';
import { createLogger } from '../../core/logger';
import { ensureTenant, migrate, openPgliteDatabase, type Database } from '../../core/store';
import { JOURNEY_FEATURES } from '../../workflows/shared';

/**
 * What a new journey's first local activity returns is recorded in its history and kept with the journey by the
 * worker: the definition it follows and the features of the worker's journey code, and nothing else.
 */
describe('resolveJourneyDefinition (what every new journey records first)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPgliteDatabase(undefined);
    await migrate(db);
    await ensureTenant(db, { id: 'acme', name: 'Acme' });
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns the shipped journey for the locale without the YAML it was read from, with the worker features', async () => {
    const activities = createActivities({ logger: createLogger({ logLevel: 'silent', secrets: [] }), db, events: { publish: async () => undefined } });
    for (const locale of ['sv', 'en']) {
      const resolved = await activities.resolveJourneyDefinition({ tenant: 'acme', locale, now: Date.UTC(2026, 10, 30) });
      expect(resolved.definition.defaultLocale).toBe(locale);
      expect(resolved.version).toMatch(/^default-/);
      expect(resolved).not.toHaveProperty('source');
      expect(resolved.features).toEqual([...JOURNEY_FEATURES]);
      // The recorded result: the definition alone (the YAML doubled it to about 40 KB).
      expect(JSON.stringify(resolved).length).toBeLessThan(30_000);
    }
  });
});
