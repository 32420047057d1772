import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a fake provider answers the next sends. */
export type FailureMode = '429' | '500' | 'timeout' | 'invalid-recipient';

/** A small HTTP server that remembers its open sockets, so close() never waits for a hung (timeout) request. */
export async function startServer(port: number, handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A queue of failures: `fail('429', 2)` makes the next two sends answer 429. */
export class FailureQueue {
  private queue: FailureMode[] = [];
  private always: FailureMode | undefined;
  fail(mode: FailureMode, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(mode);
  }
  failAlways(mode: FailureMode | undefined): void {
    this.always = mode;
  }
  next(): FailureMode | undefined {
    return this.queue.shift() ?? this.always;
  }
  reset(): void {
    this.queue = [];
    this.always = undefined;
  }
}
