import type { JourneyDefinition } from './engine/definition';
import type { JourneyState } from './engine/state';

/**
 * One copy of each journey definition for every journey a worker holds.
 *
 * A journey keeps its definition in its state (about 20 KiB of objects, two thirds of it message texts), and the
 * journeys of one published version all keep the same one. Workflow code is shared by the worker's journeys
 * (core/temporal/workflow-code.ts), so this module's pool is too: a journey's definition is swapped for the pooled
 * copy with the same content (compared as JSON text), which is frozen. A journey decides from content only, so
 * whether it holds its own copy or the pool's, it does the same; where workflow modules are not shared (a
 * worker that does not preload them) every journey has a pool of its own and nothing changes.
 */
// Definitions of many tenants and versions (about 40 KB each with its key); past that the oldest goes.
const POOL_LIMIT = 256;
const byContent = new Map<string, JourneyDefinition>();
const pooled = new WeakSet<object>();

function freeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) freeze(child);
}

/** The pooled copy of a definition with this content (this one, frozen, when it is the first). */
export function pooledDefinition(definition: JourneyDefinition): JourneyDefinition {
  if (pooled.has(definition)) return definition;
  const key = JSON.stringify(definition);
  const known = byContent.get(key);
  if (known) return known;
  // The oldest entry goes first; a journey still holding it keeps its copy, and an equal one is pooled anew.
  if (byContent.size >= POOL_LIMIT) byContent.delete(byContent.keys().next().value!);
  freeze(definition);
  byContent.set(key, definition);
  pooled.add(definition);
  return definition;
}

/** The state with its definitions (current and pending) swapped for the pooled copies; the same object when they are. */
export function withPooledDefinitions(state: JourneyState): JourneyState {
  const definition = pooledDefinition(state.definition);
  const pending = state.pendingDefinition && pooledDefinition(state.pendingDefinition.definition);
  if (definition === state.definition && pending === state.pendingDefinition?.definition) return state;
  return { ...state, definition, ...(state.pendingDefinition && pending ? { pendingDefinition: { ...state.pendingDefinition, definition: pending } } : {}) };
}
