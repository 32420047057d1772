import { isAdminKey, generateAdminKey } from '../../services/api/admin/operator-key';
import { loadConfig } from '../../core/config';

describe('the operator key (CANDOR_ADMIN_KEY)', () => {
  it('is optional, at least 24 characters without spaces, never echoed in a config error, and listed for log redaction', () => {
    expect(loadConfig({}).adminKey).toBeUndefined();
    expect(loadConfig({ CANDOR_ADMIN_KEY: '' }).adminKey).toBeUndefined();
    const key = generateAdminKey();
    const config = loadConfig({ CANDOR_ADMIN_KEY: key });
    expect(config.adminKey).toBe(key);
    expect(config.secrets).toContain(key);
    expect(() => loadConfig({ CANDOR_ADMIN_KEY: 'too-short-secret' })).toThrow(/CANDOR_ADMIN_KEY: must be at least 24 characters$/m);
    expect(() => loadConfig({ CANDOR_ADMIN_KEY: 'too-short-secret' })).not.toThrow(/too-short-secret/);
    expect(() => loadConfig({ CANDOR_ADMIN_KEY: 'has a space in the middle of it' })).toThrow(/CANDOR_ADMIN_KEY: must not contain spaces/);
  });

  it('matches only itself, whatever the length of the guess', () => {
    const key = generateAdminKey();
    expect(key).toMatch(/^cndadm_[A-Za-z0-9_-]{43}$/);
    expect(isAdminKey(key, key)).toBe(true);
    for (const guess of ['', 'x', key.slice(0, -1), `${key}x`, generateAdminKey(), key.toUpperCase()]) expect(isAdminKey(key, guess)).toBe(false);
  });
});
