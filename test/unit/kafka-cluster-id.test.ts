import { clusterId } from '../../infra/stack/kafka';

describe('Kafka cluster ids for formatting broker storage', () => {
  it('are 22 URL-safe base64 characters that never start with "-" (the storage tool would read an option)', () => {
    const ids = Array.from({ length: 5000 }, () => clusterId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
