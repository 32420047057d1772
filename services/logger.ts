import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** Keys whose values are personal data or credentials; pino replaces them wherever they appear. */
const REDACTED_PATHS = [
  'apiKey',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.email',
  '*.phone',
  '*.firstName',
  '*.lastName',
  'password',
];

/** Replaces every configured secret value that slipped into a log line; values shorter than 6 chars are ignored to avoid mangling. */
export function redactSecretValues(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** The process logger: JSON lines, with secrets redacted by key and by value. */
export function createLogger(config: Pick<Config, 'logLevel' | 'secrets'>, destination?: pino.DestinationStream): Logger {
  const secrets = config.secrets;
  return pino(
    {
      level: config.logLevel,
      base: { service: 'candor' },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      hooks: secrets.length > 0 ? { streamWrite: (s: string) => redactSecretValues(s, secrets) } : {},
    },
    destination,
  );
}

export type { Logger };
