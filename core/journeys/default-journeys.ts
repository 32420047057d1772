import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateDefinition } from '../../workflows/engine';
import { holidayCalendarProblems, resolveHolidays } from './holidays';
import type { VersionedDefinition } from '../../workflows/contracts';

/** A validated journey definition with a version that changes whenever its content does. */
export type { VersionedDefinition } from '../../workflows/contracts';

const JOURNEYS_DIR = join(__dirname, '..', '..', 'journeys');

/**
 * Loads the default journeys shipped in journeys/*.yaml, keyed by their default locale. Each must pass
 * validation (including the promise checks and a holiday calendar the library knows); a broken default stops
 * the worker at start, not a candidate. A named holiday calendar is resolved for the years from `now`
 * (journeys re-resolve it when they start, see core/journeys/published.ts).
 */
export function loadDefaultJourneys(dir = JOURNEYS_DIR, now = Date.now()): Map<string, VersionedDefinition> {
  const byLocale = new Map<string, VersionedDefinition>();
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const validated = validateDefinition(parse(text));
    const result = validated.ok && holidayCalendarProblems(validated.definition).length > 0 ? { ok: false as const, errors: holidayCalendarProblems(validated.definition) } : validated;
    if (!result.ok) {
      throw new Error(`journeys/${file} is invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    }
    const version = `${result.definition.id}@${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
    byLocale.set(result.definition.defaultLocale, { definition: resolveHolidays(result.definition, now), version, source: text });
  }
  return byLocale;
}

/** The default journey for a locale: exact match, then its language (sv-FI → sv), then English. */
export function defaultJourneyFor(journeys: Map<string, VersionedDefinition>, locale: string | undefined): VersionedDefinition {
  const chain = locale ? [locale, locale.split('-')[0]!] : [];
  for (const candidate of [...chain, 'en']) {
    const found = journeys.get(candidate);
    if (found) return found;
  }
  const first = journeys.values().next();
  if (first.done) throw new Error('No default journey is installed in journeys/');
  return first.value;
}
