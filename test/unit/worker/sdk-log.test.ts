import { Writable } from 'node:stream';
import { createLogger } from '../../../core/logger';
import { sdkLogFields } from '../../../services/worker/sdk-log';

describe("the Temporal SDK's log lines through pino", () => {
  it('print the error the SDK nests in its meta (type, message, stack, cause) instead of "error":{}', () => {
    let out = '';
    const logger = createLogger({ logLevel: 'info', secrets: [] }, new Writable({ write: (chunk: Buffer, _e, done) => ((out += chunk.toString()), done()) }));
    const error = new Error('No encryption key "key-a" is configured', { cause: new Error('inner') });
    logger.warn(sdkLogFields({ runId: 'r1', workflowId: 'journey/acme/app-1', error }), 'Failed to process Workflow Activation');
    const line = JSON.parse(out) as { sdk: Record<string, unknown>; err: { type: string; message: string; stack: string } };
    expect(line.sdk).toEqual({ runId: 'r1', workflowId: 'journey/acme/app-1' });
    expect(line.err).toMatchObject({ type: 'Error', message: expect.stringContaining('No encryption key "key-a" is configured') });
    expect(line.err.stack).toContain('sdk-log.test.ts');
    expect(out).not.toContain('"error":{}');
  });
});
