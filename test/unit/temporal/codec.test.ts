import { defaultPayloadConverter } from '@temporalio/common';
import { loadDefaultJourneys } from '../../../core/journeys/default-journeys';
import { AesGcmPayloadCodec, COMPRESS_FROM_BYTES, payloadKeyId } from '../../../core/temporal/codec';

const keys = [{ id: 'k1', key: Buffer.alloc(32, 3) }];
const metadataOf = (payload: { metadata?: Record<string, Uint8Array> | null }) =>
  Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString()]));

describe('the payload codec with compression on: large payloads compressed, then encrypted', () => {
  // A new journey's input as ingest starts it: the whole journey definition travels with it.
  const definition = loadDefaultJourneys().get('sv')!.definition;
  const input = defaultPayloadConverter.toPayload({ tenant: 'acme', applicationId: 'app-1', initial: { definition, version: 'default-sv@x', features: [], for: {} } });
  const event = defaultPayloadConverter.toPayload({ id: 'evt-1', type: 'ats.application.created', data: { candidate: { firstName: 'Maja' } } });

  it('stores a journey definition in a quarter of its size, and reads it back exactly', async () => {
    const codec = new AesGcmPayloadCodec(keys, COMPRESS_FROM_BYTES);
    const [encoded] = await codec.encode([input]);
    expect(metadataOf(encoded!)).toEqual({ encoding: 'binary/encrypted', 'encryption-key-id': 'k1', 'encryption-compression': 'deflate-raw' });
    expect(input.data!.length).toBeGreaterThan(15_000);
    expect(encoded!.data!.length).toBeLessThan(input.data!.length / 3);
    expect(payloadKeyId(encoded!)).toBe('k1');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ tenant: 'acme', applicationId: 'app-1', initial: { definition, version: 'default-sv@x', features: [], for: {} } });
  });

  it('leaves a payload under the threshold uncompressed; a codec with compression off (the default) still reads compressed payloads', async () => {
    expect(event.data!.length).toBeLessThan(COMPRESS_FROM_BYTES);
    const [small] = await new AesGcmPayloadCodec(keys, COMPRESS_FROM_BYTES).encode([event]);
    expect(metadataOf(small!)['encryption-compression']).toBeUndefined();
    const off = new AesGcmPayloadCodec(keys);
    const [large] = await off.encode([input]);
    expect(metadataOf(large!)['encryption-compression']).toBeUndefined();
    expect(large!.data!.length).toBeGreaterThan(input.data!.length);
    const [compressed] = await new AesGcmPayloadCodec(keys, COMPRESS_FROM_BYTES).encode([input]);
    const [read] = await off.decode([compressed!]);
    expect(defaultPayloadConverter.fromPayload(read!)).toMatchObject({ applicationId: 'app-1' });
  });

  it('refuses a compression it does not know, naming it, rather than handing Temporal garbage', async () => {
    const codec = new AesGcmPayloadCodec(keys, COMPRESS_FROM_BYTES);
    const [encoded] = await codec.encode([input]);
    const tampered = { ...encoded!, metadata: { ...encoded!.metadata, 'encryption-compression': Buffer.from('zstd') } };
    await expect(codec.decode([tampered])).rejects.toThrow('Payload compressed with "zstd", which this version of Candor cannot read');
  });
});
