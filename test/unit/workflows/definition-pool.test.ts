import { pooledDefinition, withPooledDefinitions } from '../../../workflows/definition-pool';
import type { JourneyDefinition } from '../../../workflows/engine/definition';
import { initialState } from '../../../workflows/engine/state';
import { DAY, Driver, loadJourney, utc } from '../engine/fixtures';

// A fresh copy each time, as a journey gets one from its input or a local activity's result.
const texts = { en: JSON.stringify(loadJourney('default-en')), sv: JSON.stringify(loadJourney('default-sv')) };
const copyOf = (locale: 'en' | 'sv'): JourneyDefinition => JSON.parse(texts[locale]) as JourneyDefinition;

describe('the definition pool', () => {
  it('gives journeys with equal definitions one frozen copy, and others their own', () => {
    const first = pooledDefinition(copyOf('en'));
    const second = pooledDefinition(copyOf('en'));
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.stages.applied.onEnter[0])).toBe(true);
    const swedish = pooledDefinition(copyOf('sv'));
    expect(swedish).not.toBe(first);
    expect(swedish).toEqual(copyOf('sv'));
    const changed = copyOf('en');
    changed.maxSilence += 1;
    expect(pooledDefinition(changed)).not.toBe(first);
  });

  it('keeps at most 256 definitions; an evicted one is pooled anew, with the same content', () => {
    const first = pooledDefinition(copyOf('en'));
    for (let i = 0; i < 256; i++) pooledDefinition({ ...copyOf('en'), id: `other-${i}` });
    const again = pooledDefinition(copyOf('en'));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(pooledDefinition(copyOf('en'))).toBe(again);
  });

  it('swaps a state\u2019s current and pending definitions, and decides the same on the pooled copy', () => {
    const own = initialState({ applicationId: 'a1', definition: copyOf('en'), definitionVersion: 'default-en@v1' });
    const withPending = { ...own, pendingDefinition: { definition: copyOf('sv'), version: 'default-sv@v1' } };
    const pooled = withPooledDefinitions(withPending);
    expect(pooled.definition).toBe(pooledDefinition(copyOf('en')));
    expect(pooled.pendingDefinition?.definition).toBe(pooledDefinition(copyOf('sv')));
    expect(withPooledDefinitions(pooled)).toBe(pooled);
  });

  it('decides a whole journey on the pooled, frozen copy exactly as on a journey\u2019s own', () => {
    const run = (definition: JourneyDefinition) => {
      const driver = new Driver(definition, { timeZone: 'Europe/Stockholm', locale: 'en' });
      const t0 = utc('2030-06-03T08:00');
      driver.ats({ type: 'ats.application.created' }, t0);
      driver.ats({ type: 'ats.application.stage_changed', stage: 'screening' }, t0 + 3 * DAY);
      driver.advance(t0 + 40 * DAY);
      driver.ats({ type: 'ats.application.rejected' }, t0 + 41 * DAY);
      driver.advance(t0 + 45 * DAY);
      return driver;
    };
    const mine = run(copyOf('en'));
    const shared = run(pooledDefinition(copyOf('en')));
    expect(Object.isFrozen(shared.state.definition)).toBe(true);
    expect(shared.deliveries().length).toBeGreaterThan(3);
    expect(shared.log).toEqual(mine.log);
    expect(JSON.stringify(shared.state)).toEqual(JSON.stringify(mine.state));
  });
});
