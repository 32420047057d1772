import { createHash } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadDefaultJourneys } from '../../../core/journeys/default-journeys';
import { AesGcmPayloadCodec } from '../../../core/temporal/codec';
import { DefinitionReferenceCodec } from '../../../core/temporal/definition-references';
import type { DefinitionTexts } from '../../../core/store/definition-texts';

/** The store's table as a map, counting writes. */
function memoryTexts(): DefinitionTexts & { rows: Map<string, string>; writes: number } {
  const rows = new Map<string, string>();
  const texts = {
    rows,
    writes: 0,
    async store(digest: string, text: string) {
      texts.writes++;
      if (!rows.has(digest)) rows.set(digest, text);
    },
    async read(digest: string) {
      return rows.get(digest);
    },
  };
  return texts;
}

const journeys = loadDefaultJourneys();
const sv = journeys.get('sv')!;
const en = journeys.get('en')!;
const digestOf = (definition: unknown) => createHash('sha256').update(JSON.stringify(definition)).digest('hex');
/** A new journey's input as ingest starts it. */
const inputWith = (definition: unknown, applicationId = 'app-1') =>
  defaultPayloadConverter.toPayload({ tenant: 'acme', applicationId, initial: { definition, version: 'default-sv@x', features: ['decision-records'], for: { locale: 'sv' } } });
const text = (payload: Payload) => Buffer.from(payload.data!).toString('utf8');

describe('journey definitions by reference in Temporal payloads', () => {
  it('names an offered definition by its digest, stores its text once, and gives the worker the exact bytes back', async () => {
    const store = memoryTexts();
    const ingest = new DefinitionReferenceCodec(store, { reference: true });
    ingest.offer('acme\u0000default-sv@x', sv.definition);
    const first = inputWith(sv.definition, 'app-1');
    const second = inputWith(sv.definition, 'app-2');
    const [a, b] = await ingest.encode([first, second]);

    expect(first.data!.length).toBeGreaterThan(15_000);
    expect(a!.data!.length).toBeLessThan(600);
    expect(text(a!)).toContain(`"definition":{"$candorDefinition":"sha256:${digestOf(sv.definition)}"}`);
    expect(text(a!)).not.toContain('applied.ack');
    expect([...store.rows]).toEqual([[digestOf(sv.definition), JSON.stringify(sv.definition)]]);
    expect(store.writes).toBe(1);

    // A worker's codec (references off: it only reads them) in another process, with the same store.
    const worker = new DefinitionReferenceCodec(store, { reference: false });
    const [backA, backB] = await worker.decode([a!, b!]);
    expect(Buffer.from(backA!.data!).equals(Buffer.from(first.data!))).toBe(true);
    expect(backA!.metadata).toEqual(first.metadata);
    expect(defaultPayloadConverter.fromPayload(backB!)).toEqual(defaultPayloadConverter.fromPayload(second));
  });

  it('works under encryption: the reference is encrypted with the rest, and expanded after decryption', async () => {
    const store = memoryTexts();
    const aes = new AesGcmPayloadCodec([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
    const ingest = new DefinitionReferenceCodec(store, { reference: true });
    ingest.offer('acme\u0000default-en@x', en.definition);
    const input = inputWith(en.definition);
    const stored = await aes.encode(await ingest.encode([input]));
    expect(stored[0]!.data!.length).toBeLessThan(800);
    expect(Buffer.from(stored[0]!.data!).toString('latin1')).not.toContain('$candorDefinition');
    const worker = new DefinitionReferenceCodec(store, { reference: false });
    const [back] = await worker.decode(await aes.decode(stored));
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual(defaultPayloadConverter.fromPayload(input));
  });

  it('leaves alone what it was not offered, what it cannot find, and everything when references are off', async () => {
    const store = memoryTexts();
    const ingest = new DefinitionReferenceCodec(store, { reference: true });
    ingest.offer('acme\u0000default-sv@x', sv.definition);
    const other = inputWith(en.definition);
    const event = defaultPayloadConverter.toPayload({ id: 'evt-1', type: 'ats.application.created', data: { candidate: { firstName: 'Maja' } } });
    expect(await ingest.encode([other, event])).toEqual([other, event]);

    const off = new DefinitionReferenceCodec(store, { reference: false });
    off.offer('acme\u0000default-sv@x', sv.definition);
    const input = inputWith(sv.definition);
    expect(await off.encode([input])).toEqual([input]);
    expect(store.writes).toBe(0);
    // Unmarked payloads pass through decoding untouched, even one whose data spells a reference (an ATS's text, escaped).
    const posing = defaultPayloadConverter.toPayload({ note: `{"$candorDefinition":"sha256:${digestOf(sv.definition)}"}` });
    expect(await off.decode([posing, event])).toEqual([posing, event]);
  });

  it('refuses to give a journey an input it cannot restore exactly: an unknown digest, a stored text that does not match', async () => {
    const store = memoryTexts();
    const ingest = new DefinitionReferenceCodec(store, { reference: true });
    ingest.offer('acme\u0000default-sv@x', sv.definition);
    const [encoded] = await ingest.encode([inputWith(sv.definition)]);

    const empty = new DefinitionReferenceCodec(memoryTexts(), { reference: false });
    await expect(empty.decode([encoded!])).rejects.toThrow(`journey definition sha256:${digestOf(sv.definition)} is not in the store (table journey_definition_texts)`);

    const tampered = memoryTexts();
    tampered.rows.set(digestOf(sv.definition), JSON.stringify({ ...sv.definition, ackWithin: '5d' }));
    await expect(new DefinitionReferenceCodec(tampered, { reference: false }).decode([encoded!])).rejects.toThrow('does not match its digest');

    // The store answers again later (a database that was down): the worker's next attempt succeeds.
    const flaky = memoryTexts();
    let down = true;
    const worker = new DefinitionReferenceCodec({ store: flaky.store, read: async (digest) => (down ? Promise.reject(new Error('connection refused')) : store.read(digest)) }, { reference: false });
    await expect(worker.decode([encoded!])).rejects.toThrow('connection refused');
    down = false;
    const [back] = await worker.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual(defaultPayloadConverter.fromPayload(inputWith(sv.definition)));
  });
});
