import { z } from 'zod';
import { ATS_EVENT_SCHEMAS } from './envelope';
import { JourneyCloudEvent } from './journey-events';
import { ATS_EVENT_TYPES } from './schemas';

/**
 * The JSON Schema files published under `schemas/`, generated from the zod schemas (which stay the
 * source of truth). `npm run events -- schemas` writes them; a unit test fails when they are stale.
 * Refinements JSON Schema cannot express (IANA time zones, BCP 47 tags, interview end after start,
 * data.application.id equal to subject) are described in the schema and enforced by ingest.
 */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const write = (name: string, title: string, schema: z.ZodType) => {
    const json = { $id: `https://candor.example/schemas/${name}`, title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
    files[name] = `${JSON.stringify(json, null, 2)}\n`;
  };
  for (const type of ATS_EVENT_TYPES) write(`${type}.schema.json`, `${type} (CloudEvents 1.0, topic ats.events)`, ATS_EVENT_SCHEMAS[type]);
  write('candor.journey-event.schema.json', 'Journey event (CloudEvents 1.0, topic candor.journey-events)', JourneyCloudEvent);
  return files;
}
