import { Writable } from 'node:stream';
import { createLogger } from '../../core/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts configured secret values wherever they appear', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ logLevel: 'info', secrets: ['sk-live-1234567890'] }, stream);
    logger.info({ detail: 'calling with sk-live-1234567890' }, 'token sk-live-1234567890 used');
    expect(lines.join('')).not.toContain('sk-live-1234567890');
    expect(lines.join('')).toContain('[REDACTED]');
  });

  it('redacts personal fields and authorization headers by key', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ logLevel: 'info', secrets: [] }, stream);
    logger.info({ candidate: { email: 'ada@example.com', phone: '+46701234567', firstName: 'Ada' }, authorization: 'Bearer cnd_x' }, 'event');
    const out = lines.join('');
    expect(out).not.toMatch(/ada@example\.com|\+46701234567|Ada|cnd_x/);
  });
});
