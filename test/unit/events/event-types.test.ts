/**
 * The ATS event types are written in two places that must agree: the ingest contract (core/events/schemas.ts,
 * one schema per type) and the engine's inputs (workflows/engine/inputs.ts, which cannot import core/). The
 * type checker ties them (`satisfies`); this test checks the lists at run time too.
 */
import { ATS_EVENT_TYPES } from '../../../core/events/schemas';
import { AtsEventType } from '../../../workflows/engine/inputs';

describe('ATS event types', () => {
  it('the ingest contract and the engine know the same event types', () => {
    expect([...ATS_EVENT_TYPES].sort()).toEqual([...AtsEventType.options].sort());
  });
});
