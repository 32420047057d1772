// `npm run admin -- <command>`: the operator's tool for tenants, API keys, ATS adapters and webhook URLs.
// It is a client of the admin API (/admin/v1) of a running Candor, not of the database: the embedded
// PGlite store belongs to the one process that runs Candor, and going through the API keeps one set of
// checks, one audit log and one place that holds the encryption keys.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../core/config';
import { readLocalAdminKey } from '../api/admin/operator-key';
import type { TenantWebhooks } from '../api/admin/webhook-urls';
import { SetBranding } from '../api/admin/schemas';
import type { ApiKeySummary, AtsAdapterSummary, NewApiKey, Tenant, TenantBranding, TenantBrandingSettings, TenantSummary } from '../../core/store';

const USAGE = `usage: npm run admin -- tenants create <tenant-id> --name <display name>
       npm run admin -- tenants list
       npm run admin -- keys create <tenant-id> [--label <label>]
       npm run admin -- keys list <tenant-id>
       npm run admin -- keys rotate <tenant-id> <key-id>
       npm run admin -- keys revoke <tenant-id> <key-id>
       npm run admin -- adapters set <tenant-id> greenhouse|lever|ashby [--secret-stdin | --secret <secret>]
                         [--stage <vendor stage id or name>=<category>]… [--archive-reason <id>=rejected|withdrawn|hired]…
                         [--default-time-zone <IANA zone>] [--default-locale <locale>] [--config-file <json file>]
       npm run admin -- adapters list <tenant-id>
       npm run admin -- adapters remove <tenant-id> greenhouse|lever|ashby
       npm run admin -- webhooks show <tenant-id>
       npm run admin -- branding show <tenant-id>
       npm run admin -- branding set <tenant-id> [--display-name <name>] [--logo-url <https URL>] [--accent-colour <#rrggbb>]
                         [--sending-domain <domain>] [--clear display-name|logo-url|accent-colour|sending-domain]…
options for every command: --url <Candor base URL> (default PUBLIC_URL), --json (print the API's answer as JSON)
the operator key comes from CANDOR_ADMIN_KEY, else from the file npm start keeps in <CANDOR_DATA_DIR>/admin-key`;

/** A mistake in the command line: exit 2 with the usage. */
class UsageError extends Error {}
/** The API or the connection failed: exit 1 with the API's message. */
class CommandError extends Error {}

interface Context {
  url: string;
  /** The operator key, resolved at the first request, so argument errors come first. */
  key: () => string;
  json: boolean;
  out: (line: string) => void;
}

/** The admin API's answers, as the CLI reads them. */
type Adapter = AtsAdapterSummary & { webhookUrl: string; config: { stages?: Record<string, string> } };

async function call<T>(ctx: Context, method: string, path: string, body?: unknown): Promise<T> {
  const key = ctx.key();
  let response: Response;
  try {
    response = await fetch(`${ctx.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CommandError(`Cannot reach the admin API at ${ctx.url} (${cause}). Is Candor running? Set --url or PUBLIC_URL to its address.`);
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new CommandError(`${response.status} ${error?.code ?? 'error'}: ${error?.message ?? text}`);
  }
  return parsed as T;
}

const pairs = (values: string[] | undefined, flag: string): Record<string, string> =>
  Object.fromEntries(
    (values ?? []).map((value) => {
      const at = value.lastIndexOf('=');
      if (at <= 0 || at === value.length - 1) throw new UsageError(`--${flag} takes <id>=<value>, not "${value}"`);
      return [value.slice(0, at), value.slice(at + 1)];
    }),
  );

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

function positionals(args: string[], names: string[], options: OptionSpec = {}) {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (parsed.positionals.length !== names.length) {
    throw new UsageError(`expected ${names.map((n) => `<${n}>`).join(' ') || 'no arguments'}, got ${parsed.positionals.length ? parsed.positionals.map((p) => `"${p}"`).join(' ') : 'none'}`);
  }
  return { args: parsed.positionals, values: parsed.values as Record<string, string | string[] | boolean | undefined> };
}

function readSecretFromStdin(): string {
  if (process.stdin.isTTY) process.stderr.write('Paste the webhook secret, then press Enter and Ctrl-D: ');
  const secret = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (!secret) throw new UsageError('--secret-stdin read nothing from standard input');
  return secret;
}

const when = (iso: string | null) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-');

async function run(ctx: Context, group: string | undefined, command: string | undefined, rest: string[]): Promise<void> {
  const print = (value: unknown, human: () => void) => (ctx.json ? ctx.out(JSON.stringify(value, null, 2)) : human());
  const showKey = (k: NewApiKey, what: string) =>
    print(k, () => {
      ctx.out(`${what} API key ${k.id} (label "${k.label}"):`);
      ctx.out(`  ${k.key}`);
      ctx.out('This is the only time the key is shown; Candor keeps only its hash. Use it as "Authorization: Bearer <key>".');
    });

  switch (`${group ?? ''} ${command ?? ''}`) {
    case 'tenants create': {
      const { args, values } = positionals(rest, ['tenant-id'], { name: { type: 'string' } });
      if (typeof values.name !== 'string') throw new UsageError('tenants create needs --name <display name>');
      const created = await call<{ tenant: Tenant }>(ctx, 'POST', '/tenants', { id: args[0], name: values.name });
      return print(created, () => {
        ctx.out(`Created tenant ${created.tenant.id} ("${created.tenant.name}").`);
        ctx.out(`Next: npm run admin -- keys create ${created.tenant.id} --label <label>`);
      });
    }
    case 'tenants list': {
      positionals(rest, []);
      const { tenants } = await call<{ tenants: TenantSummary[] }>(ctx, 'GET', '/tenants');
      return print({ tenants }, () => {
        ctx.out('TENANT                          ACTIVE KEYS  CREATED               NAME');
        for (const t of tenants) ctx.out(`${t.id.padEnd(32)}${String(t.activeKeys).padEnd(13)}${when(t.createdAt).padEnd(22)}${t.name}`);
      });
    }
    case 'keys create': {
      const { args, values } = positionals(rest, ['tenant-id'], { label: { type: 'string' } });
      const key = await call<NewApiKey>(ctx, 'POST', `/tenants/${encodeURIComponent(args[0]!)}/keys`, { label: values.label ?? '' });
      return showKey(key, `Created tenant ${args[0]}'s`);
    }
    case 'keys list': {
      const { args } = positionals(rest, ['tenant-id']);
      const { keys } = await call<{ keys: ApiKeySummary[] }>(ctx, 'GET', `/tenants/${encodeURIComponent(args[0]!)}/keys`);
      return print({ keys }, () => {
        ctx.out('KEY ID                                PREFIX       CREATED               REVOKED               LABEL');
        for (const k of keys) ctx.out(`${k.id.padEnd(38)}${`${k.prefix}…`.padEnd(13)}${when(k.createdAt).padEnd(22)}${when(k.revokedAt).padEnd(22)}${k.label}`);
      });
    }
    case 'keys rotate': {
      const { args } = positionals(rest, ['tenant-id', 'key-id']);
      const key = await call<NewApiKey>(ctx, 'POST', `/tenants/${encodeURIComponent(args[0]!)}/keys/${encodeURIComponent(args[1]!)}/rotate`);
      showKey(key, `Key ${args[1]} is revoked. Its replacement is tenant ${args[0]}'s`);
      return;
    }
    case 'keys revoke': {
      const { args } = positionals(rest, ['tenant-id', 'key-id']);
      const key = await call<ApiKeySummary>(ctx, 'POST', `/tenants/${encodeURIComponent(args[0]!)}/keys/${encodeURIComponent(args[1]!)}/revoke`);
      return print(key, () => ctx.out(`Revoked key ${key.id} (${key.prefix}…) of tenant ${args[0]} at ${when(key.revokedAt)}; requests with it now get 401.`));
    }
    case 'adapters set': {
      const { args, values } = positionals(rest, ['tenant-id', 'provider'], {
        secret: { type: 'string' },
        'secret-stdin': { type: 'boolean' },
        stage: { type: 'string', multiple: true },
        'archive-reason': { type: 'string', multiple: true },
        'default-time-zone': { type: 'string' },
        'default-locale': { type: 'string' },
        'config-file': { type: 'string' },
      });
      if (values.secret !== undefined && values['secret-stdin']) throw new UsageError('give the secret with --secret or --secret-stdin, not both');
      const secret = values['secret-stdin'] ? readSecretFromStdin() : (values.secret as string | undefined);
      const flagged = ['stage', 'archive-reason', 'default-time-zone', 'default-locale'].some((f) => values[f] !== undefined);
      if (flagged && values['config-file'] !== undefined) throw new UsageError('give the config with --config-file or with --stage/--archive-reason/--default-* flags, not both');
      let config: Record<string, unknown> | undefined;
      if (values['config-file'] !== undefined) {
        try {
          config = JSON.parse(readFileSync(values['config-file'] as string, 'utf8')) as Record<string, unknown>;
        } catch (error) {
          throw new UsageError(`--config-file: cannot read JSON from ${String(values['config-file'])}: ${(error as Error).message}`);
        }
      } else if (flagged) {
        config = {
          stages: pairs(values.stage as string[] | undefined, 'stage'),
          archiveReasons: pairs(values['archive-reason'] as string[] | undefined, 'archive-reason'),
          ...(values['default-time-zone'] !== undefined ? { defaultTimeZone: values['default-time-zone'] } : {}),
          ...(values['default-locale'] !== undefined ? { defaultLocale: values['default-locale'] } : {}),
        };
      }
      if (secret === undefined && config === undefined) throw new UsageError('adapters set needs a secret (--secret-stdin) and/or config flags');
      const adapter = await call<Adapter>(ctx, 'PUT', `/tenants/${encodeURIComponent(args[0]!)}/adapters/${encodeURIComponent(args[1]!)}`, {
        ...(secret !== undefined ? { secret } : {}),
        ...(config !== undefined ? { config } : {}),
      });
      return print(adapter, () => {
        ctx.out(`Saved tenant ${args[0]}'s ${adapter.provider} adapter${secret !== undefined ? ' (secret stored encrypted; it is never shown again)' : ' (secret unchanged)'}.`);
        ctx.out(`  stages: ${JSON.stringify(adapter.config.stages ?? {})}`);
        ctx.out(`  Point ${adapter.provider}'s webhook at: ${adapter.webhookUrl}`);
      });
    }
    case 'adapters list': {
      const { args } = positionals(rest, ['tenant-id']);
      const { adapters } = await call<{ adapters: Adapter[] }>(ctx, 'GET', `/tenants/${encodeURIComponent(args[0]!)}/adapters`);
      return print({ adapters }, () => {
        if (adapters.length === 0) ctx.out(`Tenant ${args[0]} has no ATS adapter yet: npm run admin -- adapters set ${args[0]} greenhouse --secret-stdin`);
        for (const a of adapters) ctx.out(`${a.provider.padEnd(12)}secret ${a.secretStorage}, updated ${when(a.updatedAt)}  ${a.webhookUrl}\n  config: ${JSON.stringify(a.config)}`);
      });
    }
    case 'adapters remove': {
      const { args } = positionals(rest, ['tenant-id', 'provider']);
      await call<undefined>(ctx, 'DELETE', `/tenants/${encodeURIComponent(args[0]!)}/adapters/${encodeURIComponent(args[1]!)}`);
      return print({ removed: args[1] }, () => ctx.out(`Removed tenant ${args[0]}'s ${args[1]} adapter; its webhook URL now answers 404.`));
    }
    case 'webhooks show': {
      const { args } = positionals(rest, ['tenant-id']);
      const hooks = await call<TenantWebhooks>(ctx, 'GET', `/tenants/${encodeURIComponent(args[0]!)}/webhooks`);
      return print(hooks, () => {
        ctx.out(`ATS webhooks of tenant ${hooks.tenant} (each needs its adapter's secret):`);
        for (const h of hooks.ats) ctx.out(`  ${h.provider.padEnd(11)}${h.url}   ${h.configured ? 'configured' : 'not configured: answers 404'}`);
        ctx.out('Messaging provider webhooks (shared by every tenant):');
        for (const p of hooks.providers) ctx.out(`  ${p.name.padEnd(16)}${p.url}`);
      });
    }
    case 'branding show':
    case 'branding set': {
      const fields = { 'display-name': 'displayName', 'logo-url': 'logoUrl', 'accent-colour': 'accentColour', 'sending-domain': 'sendingDomain' } as const;
      const { args, values } = positionals(rest, ['tenant-id'], command === 'set' ? { ...Object.fromEntries(Object.keys(fields).map((f) => [f, { type: 'string' }])), clear: { type: 'string', multiple: true } } : {});
      const path = `/tenants/${encodeURIComponent(args[0]!)}/branding`;
      let answer: { tenant: string; settings: TenantBrandingSettings; effective: TenantBranding };
      if (command === 'set') {
        const change: Record<string, string | null> = {};
        for (const [flag, field] of Object.entries(fields)) if (typeof values[flag] === 'string') change[field] = values[flag];
        for (const flag of (values.clear as string[] | undefined) ?? []) {
          const field = fields[flag as keyof typeof fields];
          if (!field) throw new UsageError(`--clear takes one of ${Object.keys(fields).join(', ')}, not "${flag}"`);
          if (field in change) throw new UsageError(`--${flag} and --clear ${flag} contradict each other`);
          change[field] = null;
        }
        if (Object.keys(change).length === 0) throw new UsageError('branding set needs at least one setting (or --clear)');
        // The API's own schema, so a mistake is named before anything is sent.
        const checked = SetBranding.safeParse(change);
        if (!checked.success) throw new UsageError(checked.error.issues.map((i) => `--${Object.keys(fields).find((f) => fields[f as keyof typeof fields] === i.path[0])}: ${i.message}`).join('\n'));
        answer = await call(ctx, 'PUT', path, checked.data);
      } else {
        answer = await call(ctx, 'GET', path);
      }
      return print(answer, () => {
        const { settings: s, effective: e } = answer;
        ctx.out(`What candidates see of tenant ${answer.tenant}:`);
        ctx.out(`  display name    ${e.displayName}${s.displayName === null ? ' (default: the tenant\'s name)' : ''}`);
        ctx.out(`  logo            ${e.logoUrl ?? 'none'}`);
        ctx.out(`  accent colour   ${e.accentColour ?? 'none (Candor\'s blue)'}`);
        ctx.out(`  sending domain  ${e.sendingDomain ?? 'none: e-mails come from Candor\'s address, as the company'}`);
      });
    }
    default:
      throw new UsageError(group ? `unknown command "${[group, command].filter(Boolean).join(' ')}"` : 'no command given');
  }
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  // --url and --json may come anywhere; the rest is the command.
  const rest: string[] = [];
  let url: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--url' || arg.startsWith('--url=')) url = arg === '--url' ? argv[++i] : arg.slice('--url='.length);
    else if (arg === '--help' || arg === '-h') {
      out(USAGE);
      return 0;
    } else rest.push(arg);
  }
  const [group, command, ...args] = rest;
  try {
    if (argv.includes('--url') && !url) throw new UsageError('--url needs a value');
    let config;
    try {
      config = loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) throw new CommandError(error.message);
      throw error;
    }
    const { adminKey, database } = config;
    const key = () => {
      const found = adminKey ?? readLocalAdminKey(database.dataDir);
      if (!found) throw new CommandError(`No operator key: set CANDOR_ADMIN_KEY (npm start keeps a local one in ${database.dataDir}/admin-key)`);
      return found;
    };
    await run({ url: (url ?? config.http.publicUrl).replace(/\/+$/, ''), key, json, out }, group, command, args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
