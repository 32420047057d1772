import { randomBytes } from 'node:crypto';

type Secrets = typeof import('../../core/store/secrets');
/** A fresh copy of the module: its key ring is process-wide state. */
const fresh = (): Secrets => {
  let secrets: Secrets | undefined;
  jest.isolateModules(() => {
    secrets = jest.requireActual<Secrets>('../../core/store/secrets');
  });
  return secrets!;
};

describe('sealed store secrets', () => {
  it('seal with the first key, open with any key of the ring, and only in their own context', () => {
    const { useSecretKeys, sealSecret, openSecret, sealedKeyId } = fresh();
    const a = { id: 'a', key: randomBytes(32) };
    const b = { id: 'b', key: randomBytes(32) };
    useSecretKeys([a]);
    const sealed = sealSecret('s3cret-value-0123456789', 'ats_adapters:t:greenhouse');
    expect(sealed).toMatch(/^v1:a:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('s3cret');
    expect(sealSecret('s3cret-value-0123456789', 'ats_adapters:t:greenhouse')).not.toBe(sealed);
    useSecretKeys([b, a]);
    expect(openSecret(sealed, 'ats_adapters:t:greenhouse')).toBe('s3cret-value-0123456789');
    expect(sealedKeyId(sealSecret('x', 'c'))).toBe('b');
    expect(() => openSecret(sealed, 'ats_adapters:other:greenhouse')).toThrow();
    useSecretKeys([b]);
    expect(() => openSecret(sealed, 'ats_adapters:t:greenhouse')).toThrow(/encryption key "a", which this process does not have/);
  });

  it('a secret sealed before the ring was set (a process-lifetime key) still opens once it is set', () => {
    const { useSecretKeys, sealSecret, openSecret, sealedKeyId } = fresh();
    const early = sealSecret('early-secret-0123456789', 'ctx');
    expect(sealedKeyId(early)).toMatch(/^ephemeral-[0-9a-f]{8}$/);
    useSecretKeys([{ id: 'configured', key: randomBytes(32) }]);
    expect(openSecret(early, 'ctx')).toBe('early-secret-0123456789');
    expect(sealedKeyId(sealSecret('later', 'ctx'))).toBe('configured');
  });
});
