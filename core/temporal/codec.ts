import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
/** Metadata of an encrypted payload whose plaintext was compressed first (raw DEFLATE). */
const COMPRESSION = 'encryption-compression';
const DEFLATE_RAW = 'deflate-raw';
/**
 * With compression on (TEMPORAL_PAYLOAD_COMPRESSION), payloads from this size (bytes, serialised) are compressed before
 * they are encrypted: a new journey's input carries its whole journey definition (about 17 KiB of JSON, 4 KiB
 * compressed), which Temporal stores with every journey. A candidate's event is usually smaller and stays as it is.
 */
export const COMPRESS_FROM_BYTES = 2048;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** One AES-256 key and the id stored beside every payload it encrypted. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * Parses CANDOR_ENCRYPTION_KEYS: `id:base64key[,id:base64key…]`, each key 32 bytes. The first key
 * encrypts; all of them decrypt, so a key can be rotated by putting a new one first.
 */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  const keys = text.split(',').map((part, index) => {
    const [id, material] = part.trim().split(':');
    if (!id || !material || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new Error(`CANDOR_ENCRYPTION_KEYS entry ${index + 1}: expected id:base64key`);
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32) throw new Error(`CANDOR_ENCRYPTION_KEYS entry ${index + 1} ("${id}"): the key must be 32 bytes (base64 of 32 random bytes)`);
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('CANDOR_ENCRYPTION_KEYS: key ids must be unique');
  return keys;
}

/** A fresh key in CANDOR_ENCRYPTION_KEYS form. */
export function generateEncryptionKey(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * The keys for this process: CANDOR_ENCRYPTION_KEYS when set, else (local use) a key generated once
 * and kept in `<dataDir>/encryption-keys` (mode 0600), so journeys stay readable across restarts.
 */
export function resolveEncryptionKeys(configured: string | undefined, dataDir: string): EncryptionKey[] {
  if (configured) return parseEncryptionKeys(configured);
  const file = join(dataDir, 'encryption-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${generateEncryptionKey('local')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return parseEncryptionKeys(readFileSync(file, 'utf8').trim());
}

/** The id of the key that encrypted `payload`, or undefined for a payload this codec did not encrypt. */
export function payloadKeyId(payload: Payload): string | undefined {
  if (Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== ENCODING) return undefined;
  return Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
}

/** Encrypts every payload Candor hands to Temporal with AES-256-GCM, so journeys are unreadable at rest. */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  /** `compressFrom`: compress payloads of at least this many bytes before encrypting them (false, the default: never). */
  constructor(
    private readonly keys: EncryptionKey[],
    private readonly compressFrom: number | false = false,
  ) {
    if (keys.length === 0) throw new Error('At least one encryption key is required');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The ids of the configured keys, the encrypting one first. */
  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const serialised = temporal.api.common.v1.Payload.encode(payload).finish();
      const packed = this.compressFrom !== false && serialised.length >= this.compressFrom ? deflateRawSync(serialised) : undefined;
      const compressed = packed !== undefined && packed.length < serialised.length;
      const plain = compressed ? packed : serialised;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(id), ...(compressed ? { [COMPRESSION]: Buffer.from(DEFLATE_RAW) } : {}) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`No encryption key "${keyId}" is configured; add it to CANDOR_ENCRYPTION_KEYS to read this payload`);
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      const compression = Buffer.from(payload.metadata?.[COMPRESSION] ?? []).toString();
      if (compression && compression !== DEFLATE_RAW) throw new Error(`Payload compressed with "${compression}", which this version of Candor cannot read`);
      return temporal.api.common.v1.Payload.decode(compression ? inflateRawSync(plain) : plain);
    });
  }
}
