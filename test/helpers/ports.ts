import { createServer } from 'node:net';

/** Binds `port` (0: any) on 127.0.0.1 and returns the port bound, or undefined when it is taken. */
function bind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port the OS says is free now, for a server a test starts itself that cannot listen on port 0 and
 * report back (a Temporal dev server, a Kafka broker, a child `npm start`). `alsoFree` are offsets from it
 * that must be free too, for programs that take a second port next to the first (a UI at +1000, a Kafka
 * controller at +1).
 */
export async function freePort(alsoFree: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = (await bind(0))!;
    if (port + Math.max(0, ...alsoFree) > 65535) continue;
    const others = await Promise.all(alsoFree.map((offset) => bind(port + offset)));
    if (others.every((p) => p !== undefined)) return port;
  }
  throw new Error(`no free port with ${alsoFree.join(', ')} beside it after 50 tries`);
}
