import { createHash } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { DefinitionTexts } from '../store/definition-texts';

/**
 * Journey definitions by reference in Temporal's payloads.
 *
 * Ingest starts every new journey with its resolved definition (JourneyInput.initial), about 17 KiB of JSON that is
 * the same for every journey of one published version. With references on, a payload ingest encodes that contains a
 * definition it offered carries `{"$candorDefinition":"sha256:<digest>"}` in that place instead, and the text is stored
 * once under its digest (journey_definition_texts). A worker's codec puts the stored text back, byte for byte, before
 * the journey sees its input, so the journey decides exactly as it would have; the digest is checked against the text,
 * so a replay years later gets the same input or fails loudly, never a different one.
 *
 * Only payloads this codec marked (metadata `candor-definition-references`) are expanded: a JSON string can never hold
 * the marker's unescaped quotes, so nothing an ATS sends can pose as a reference. Runs before encryption on encode
 * (the reference is encrypted like the rest) and after decryption on decode.
 */
const MARKED = 'candor-definition-references';
const PREFIX = Buffer.from('{"$candorDefinition":"sha256:');
const SUFFIX = Buffer.from('"}');
/** Definitions shorter than this stay inline: a reference would save little. */
export const REFERENCE_FROM_BYTES = 1024;
/** Definitions offered and texts read that a process keeps (tenants × versions in use; about 17 KiB each). */
const KEEP = 256;

const sha256 = (text: Buffer) => createHash('sha256').update(text).digest('hex');

/** Keeps at most `limit` entries, dropping the least recently used. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit = KEEP): V {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
  return value;
}

export class DefinitionReferenceCodec implements PayloadCodec {
  private readonly offered = new Map<string, { digest: string; text: Buffer }>();
  private readonly storing = new Map<string, Promise<void>>();
  private readonly texts = new Map<string, Promise<Buffer>>();

  /** `reference`: whether this process's payloads name offered definitions by digest (it always expands them). */
  constructor(
    private readonly store: DefinitionTexts,
    private readonly options: { reference: boolean },
  ) {}

  /**
   * A definition the payloads this process encodes may contain (ingest's resolved journey). `key` names it uniquely and
   * for good (tenant and published version), so its text is made and hashed once.
   */
  offer(key: string, definition: unknown): void {
    if (!this.options.reference) return;
    const known = this.offered.get(key);
    if (known) {
      remember(this.offered, key, known);
      return;
    }
    const text = Buffer.from(JSON.stringify(definition));
    if (text.length < REFERENCE_FROM_BYTES) return;
    remember(this.offered, key, { digest: sha256(text), text });
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (this.offered.size === 0) return payloads;
    return Promise.all(payloads.map((payload) => this.referenced(payload)));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => (payload.metadata?.[MARKED] ? this.expanded(payload) : Promise.resolve(payload))));
  }

  private async referenced(payload: Payload): Promise<Payload> {
    const data = payload.data;
    if (!data || data.length < REFERENCE_FROM_BYTES) return payload;
    let out = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let marked = false;
    // The definition offered last first (the journey being started); once one is replaced, longer ones cannot fit.
    for (const { digest, text } of [...this.offered.values()].reverse()) {
      if (text.length > out.length) continue;
      let at = out.indexOf(text);
      if (at < 0) continue;
      // The text goes to the store before any history names it.
      await this.stored(digest, text);
      const reference = Buffer.concat([PREFIX, Buffer.from(digest), SUFFIX]);
      const parts: Buffer[] = [];
      let from = 0;
      while (at >= 0) {
        parts.push(out.subarray(from, at), reference);
        from = at + text.length;
        at = out.indexOf(text, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
      marked = true;
    }
    if (!marked) return payload;
    return { ...payload, metadata: { ...payload.metadata, [MARKED]: Buffer.from('1') }, data: out };
  }

  private async expanded(payload: Payload): Promise<Payload> {
    const data = Buffer.from(payload.data ?? []);
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = data.indexOf(PREFIX); at >= 0; at = data.indexOf(PREFIX, from)) {
      const end = data.indexOf(SUFFIX, at + PREFIX.length);
      if (end < 0) throw new Error('a journey definition reference in a Temporal payload is cut short');
      parts.push(data.subarray(from, at), await this.text(data.subarray(at + PREFIX.length, end).toString('latin1')));
      from = end + SUFFIX.length;
    }
    parts.push(data.subarray(from));
    const { [MARKED]: _marked, ...metadata } = payload.metadata!;
    return { ...payload, metadata, data: Buffer.concat(parts) };
  }

  /** Resolves once the text is in the store: written once per process (concurrent starts wait for the same write). */
  private stored(digest: string, text: Buffer): Promise<void> {
    let writing = this.storing.get(digest);
    if (!writing) {
      writing = this.store.store(digest, text.toString('utf8'));
      // A failed write is tried again by the next payload that needs it.
      writing.catch(() => this.storing.delete(digest));
      this.storing.set(digest, writing);
    }
    return writing;
  }

  /** The stored text of a digest, checked against it. */
  private text(digest: string): Promise<Buffer> {
    const known = this.texts.get(digest);
    if (known) return remember(this.texts, digest, known);
    const reading = (async () => {
      if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error(`a journey definition reference names "${digest.slice(0, 80)}", not a SHA-256 digest`);
      const stored = await this.store.read(digest);
      if (stored === undefined) throw new Error(`journey definition sha256:${digest} is not in the store (table journey_definition_texts): the journey cannot be given its input`);
      const text = Buffer.from(stored, 'utf8');
      if (sha256(text) !== digest) throw new Error(`the stored journey definition sha256:${digest} does not match its digest`);
      return text;
    })();
    // A failed read is not kept: the next task tries again (the database may be back).
    reading.catch(() => this.texts.delete(digest));
    return remember(this.texts, digest, reading);
  }
}
