import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { createSandboxProvider, findLedgerRow, optOut, sendMessage, type CrashPoint, type DeliverRequest, type SendDeps } from '../../activities/messaging';
import { setTenantBranding, type Queryable } from '../../core/store';
import { journeyBoardWrite } from '../../core/store/board';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';

const journeys = loadDefaultJourneys();
const HOUR = 3_600_000;

/** Runs the delivery activity once, as one Temporal attempt would. */
const quiet = new DefaultLogger('ERROR');
const attempt = (deps: SendDeps, request: DeliverRequest) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(() => sendMessage(deps, request));

/** Calls the activity again until it succeeds or fails for good, as Temporal's retry policy would. */
async function untilSettled(deps: SendDeps, request: DeliverRequest, limit = 50): Promise<{ result?: unknown; failure?: ApplicationFailure; attempts: number }> {
  for (let attempts = 1; attempts <= limit; attempts++) {
    try {
      return { result: await attempt(deps, request), attempts };
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) return { failure: error, attempts };
    }
  }
  throw new Error('never settled');
}

/**
 * The send path as a worker killed the first time it reaches `point` (as if the process died there). A killed attempt's
 * hold on the ledger row ends here at once (`claimLeaseMs: 0`); in production its lease runs out first.
 */
function crashingOnceAt(deps: SendDeps, point: CrashPoint): SendDeps {
  let crashed = false;
  return {
    ...deps,
    claimLeaseMs: 0,
    crash: (at) => {
      if (at === point && !crashed) {
        crashed = true;
        throw new Error(`worker killed at ${point}`);
      }
    },
  };
}

describe('the send path: real Twilio and SendGrid SDKs against local fakes, PGlite ledger', () => {
  const t = useFixture({ fakes: true, tenants: ['acme', 'globex'] });
  let deps: SendDeps;

  beforeEach(() => {
    t.fakes.twilio.reset();
    t.fakes.sendgrid.reset();
    deps = { db: t.db, providers: t.providers(500), publicUrl: 'https://candor.example', calendarFor: () => journeys.get('sv')!.definition, now: () => STOCKHOLM_MORNING };
  });

  it('sends an SMS in the candidate language and records the provider id in the ledger', async () => {
    const request = deliverRequest({ locale: 'sv-FI' });
    // Twilio took it: "accepted"; delivery is the status callback's word.
    await expect(attempt(deps, request)).resolves.toEqual({ messageId: request.messageId, channel: 'sms', status: 'accepted' });
    expect(t.fakes.twilio.sent).toHaveLength(1);
    expect(t.fakes.twilio.sent[0]).toMatchObject({ to: '+46701234567', body: 'Hej Astrid, tack för din ansökan till Backend Engineer på Acme.', statusCallback: 'https://candor.example/webhooks/providers/twilio/status?tenant=acme' });
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'accepted', provider: 'twilio', provider_message_id: t.fakes.twilio.sent[0]!.sid, locale: 'sv-FI', segments: 1 });
  });

  it('sends an e-mail with text, HTML, List-Unsubscribe and Candor ids for the event webhook', async () => {
    const request = deliverRequest({ channel: 'email', locale: 'en-GB' });
    await attempt(deps, request);
    const [mail] = t.fakes.sendgrid.sent;
    expect(mail).toMatchObject({ to: 'astrid@example.com', from: t.fakes.sendgrid.from, subject: 'Your application for Backend Engineer', customArgs: { candor_message_id: request.messageId } });
    expect(mail!.text).toContain('Hi Astrid, thanks for applying');
    expect(mail!.html).toContain('<p>Hi Astrid, thanks for applying');
    expect(mail!.headers['List-Unsubscribe']).toMatch(/^<https:\/\/candor\.example\/unsubscribe\?token=[\w-]{43}>$/);
    expect(mail!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(await findLedgerRow(t.db, { ...request, channel: 'email' })).toMatchObject({ status: 'accepted', provider: 'sendgrid', provider_message_id: mail!.messageId });
  });

  it('429 then 200: one retryable failure, then exactly one send', async () => {
    t.fakes.twilio.failures.fail('429');
    const request = deliverRequest();
    await expect(attempt(deps, request)).rejects.toMatchObject({ type: 'ProviderRateLimited', nonRetryable: false });
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'pending', failure_type: 'ProviderRateLimited' });
    await attempt(deps, request);
    await attempt(deps, request); // a replayed activity after success
    expect(t.fakes.twilio.requests).toBe(2);
    expect(t.fakes.twilio.sent).toHaveLength(1);
  });

  it('500 and timeouts are retryable; a channel that stays down fails for good after maxProviderAttempts', async () => {
    t.fakes.sendgrid.failures.fail('timeout');
    t.fakes.sendgrid.failures.fail('500');
    const request = deliverRequest({ channel: 'email' });
    await expect(attempt(deps, request)).rejects.toMatchObject({ type: 'ProviderTimeout', nonRetryable: false });
    await expect(attempt(deps, request)).rejects.toMatchObject({ type: 'ProviderUnavailable', nonRetryable: false });
    await attempt(deps, request);
    expect(t.fakes.sendgrid.sent).toHaveLength(1);

    t.fakes.twilio.failures.failAlways('500');
    const down = deliverRequest();
    const settled = await untilSettled({ ...deps, maxProviderAttempts: 3 }, down);
    expect(settled).toMatchObject({ attempts: 3, failure: { type: 'ProviderExhausted', nonRetryable: true } });
    expect(await findLedgerRow(t.db, { ...down, channel: 'sms' })).toMatchObject({ status: 'failed', failure_type: 'ProviderExhausted' });
  });

  it('an invalid number is a definite failure, remembered by the ledger', async () => {
    t.fakes.twilio.invalidNumbers.add('+46700000000');
    const request = deliverRequest({ contact: { ...deliverRequest().contact, phone: '+46700000000' } });
    await expect(attempt(deps, request)).rejects.toMatchObject({ type: 'InvalidRecipient', nonRetryable: true });
    await expect(attempt(deps, request)).rejects.toMatchObject({ type: 'InvalidRecipient', nonRetryable: true });
    expect(t.fakes.twilio.requests).toBe(1);
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'failed', failure_type: 'InvalidRecipient' });
  });

  it('re-checks consent at send time: an opt-out stops even an already scheduled message', async () => {
    const request = deliverRequest({ contact: { ...deliverRequest().contact, phone: '+46709999999' } });
    await optOut(t.db, 'acme', 'sms', '+46709999999', 'test');
    await expect(attempt(deps, request)).rejects.toMatchObject({ type: 'OptedOut', nonRetryable: true });
    expect(t.fakes.twilio.requests).toBe(0);
  });

  it('two tenants, one message id, one candidate: each send goes by its own tenant\'s ledger row, opt-outs and branding', async () => {
    await setTenantBranding(t.db, 'acme', { displayName: 'Acme Careers' });
    await setTenantBranding(t.db, 'globex', { displayName: 'Globex Jobs' });
    const shared = { messageId: `shared-${Date.now().toString(36)}`, locale: 'en-GB', contact: { ...deliverRequest().contact, phone: '+46708888888', email: 'same@example.com' } };
    await optOut(t.db, 'acme', 'sms', '+46708888888', 'test');
    // Acme's SMS: the candidate opted out of Acme's texts. Globex's SMS of the same id to the same number goes, under Globex's name.
    await expect(attempt(deps, deliverRequest({ ...shared, tenant: 'acme' }))).rejects.toMatchObject({ type: 'OptedOut', nonRetryable: true });
    const globexSms = deliverRequest({ ...shared, tenant: 'globex' });
    await expect(attempt(deps, globexSms)).resolves.toMatchObject({ status: 'accepted' });
    expect(t.fakes.twilio.sent.map((m) => m.body)).toEqual(['Hi Astrid, thanks for applying for Backend Engineer at Globex Jobs.']);
    // Globex's accepted row is not Acme's: Acme's e-mail of the same id is a message of its own, under Acme's name.
    await expect(attempt(deps, deliverRequest({ ...shared, tenant: 'acme', channel: 'email' }))).resolves.toMatchObject({ status: 'accepted' });
    expect(t.fakes.sendgrid.sent.map((m) => m.text)).toEqual([expect.stringContaining('Hi Astrid, thanks for applying for Backend Engineer at Acme Careers.')]);
    // Globex's SMS again (a retried activity): its ledger row answers, Twilio hears nothing more.
    await expect(attempt(deps, globexSms)).resolves.toMatchObject({ status: 'accepted' });
    expect(t.fakes.twilio.requests).toBe(1);
  });

  it('re-checks quiet hours at send time: 22:30 candidate time defers to 08:00, never drops', async () => {
    const evening = Date.parse('2026-03-04T21:30:00Z'); // 22:30 in Stockholm
    const request = deliverRequest();
    const failure = await attempt({ ...deps, now: () => evening }, request).catch((e: unknown) => e as ApplicationFailure);
    expect(failure).toMatchObject({ type: 'QuietHours', nonRetryable: false });
    // Temporal retries it when the window ends: 08:00 Stockholm is 07:00Z, 9.5 hours later.
    expect((failure as ApplicationFailure).nextRetryDelay).toBe(9.5 * HOUR);
    expect(t.fakes.twilio.requests).toBe(0);
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toBeUndefined();
    await attempt({ ...deps, now: () => evening + 9.5 * HOUR }, request);
    expect(t.fakes.twilio.sent).toHaveLength(1);
  });

  it('a worker killed at random points of a send, many times over: each message reaches Twilio and the sandbox exactly once', async () => {
    const points: CrashPoint[] = ['before-ledger', 'before-send', 'after-send', 'after-ledger'];
    let crashes = 0;
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const crashing: SendDeps = {
      ...deps,
      maxProviderAttempts: 1000,
      claimLeaseMs: 0,
      crash: (point) => {
        if (points.includes(point) && random() < 0.3) {
          crashes++;
          throw new Error(`worker killed at ${point}`);
        }
      },
    };
    const sandbox: SendDeps = { ...crashing, providers: { sms: createSandboxProvider(t.db, 'sms'), email: createSandboxProvider(t.db, 'email') } };
    const requests = Array.from({ length: 60 }, (_, i) => deliverRequest({ contact: { ...deliverRequest().contact, phone: `+4670100${String(i).padStart(4, '0')}` } }));
    for (const request of requests) {
      expect(await untilSettled(crashing, request)).toMatchObject({ result: { status: 'accepted' } });
      expect(await untilSettled(sandbox, { ...request, channel: 'email', messageId: `${request.messageId}-sbx` })).toMatchObject({ result: { status: 'delivered' } });
    }
    expect(crashes).toBeGreaterThan(30);
    const perNumber = new Map<string, number>();
    for (const sms of t.fakes.twilio.sent) perNumber.set(sms.to, (perNumber.get(sms.to) ?? 0) + 1);
    expect(perNumber.size).toBe(60);
    expect([...perNumber.values()].every((n) => n === 1)).toBe(true);
    const outbox = await t.db.query<{ n: number }>(`select count(*)::int as n from outbox where message_id like '%-sbx'`);
    expect(outbox.rows[0]!.n).toBe(60);
    for (const request of requests) expect((await findLedgerRow(t.db, { ...request, channel: 'sms' }))!.status).toBe('accepted');
  });

  it('two attempts at one message at once (a send retried while the first still runs): the second leaves the provider alone, the message goes once', async () => {
    for (const channel of ['sms', 'email'] as const) {
      const request = deliverRequest({ channel, contact: { ...deliverRequest().contact, phone: '+46701118888', email: 'twice@example.com' } });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inProvider = new Promise<void>((resolve) => (entered = resolve));
      const real = deps.providers[channel];
      const held: SendDeps = {
        ...deps,
        providers: {
          ...deps.providers,
          [channel]: Object.assign(Object.create(real) as typeof real, {
            send: async (message: Parameters<typeof real.send>[0]) => {
              entered();
              await gate;
              return real.send(message);
            },
          }),
        },
      };
      const first = attempt(held, request);
      await inProvider;
      // The first attempt is talking to the provider: the second fails retryably and calls nobody.
      const second = await attempt(deps, request).then(() => undefined, (error: unknown) => error);
      expect(second).toBeInstanceOf(ApplicationFailure);
      expect(second).toMatchObject({ type: 'SendInProgress', nonRetryable: false, message: expect.stringContaining('another attempt is sending this message') });
      expect(await findLedgerRow(t.db, request)).toMatchObject({ status: 'pending', attempts: 1 });
      release();
      await expect(first).resolves.toMatchObject({ status: 'accepted' });
      // The retry after the first let go answers as the first did.
      await expect(attempt(deps, request)).resolves.toMatchObject({ status: 'accepted' });
    }
    expect(t.fakes.twilio.sent.filter((m) => m.to === '+46701118888')).toHaveLength(1);
    expect(t.fakes.sendgrid.sent.filter((m) => m.to === 'twice@example.com')).toHaveLength(1);
  });

  it('an attempt that died holding the row: the next waits until its hold ends, then asks Twilio and sends once', async () => {
    const request = deliverRequest({ contact: { ...deliverRequest().contact, phone: '+46701117777' } });
    const leased = { ...deps, claimLeaseMs: 1_500 };
    const dying: SendDeps = {
      ...leased,
      crash: (point) => {
        if (point === 'before-send') throw new Error('worker killed at before-send');
      },
    };
    await expect(attempt(dying, request)).rejects.toThrow('worker killed');
    const held = await attempt(leased, request).then(() => undefined, (error: unknown) => error);
    expect(held).toMatchObject({ type: 'SendInProgress', nonRetryable: false });
    const row = await findLedgerRow(t.db, { ...request, channel: 'sms' });
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(row!.claimed_until!).getTime() - Date.now()) + 50));
    await expect(attempt(leased, request)).resolves.toMatchObject({ status: 'accepted' });
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'accepted', attempts: 2, claim_id: null });
    expect(t.fakes.twilio.sent.filter((m) => m.to === '+46701117777')).toHaveLength(1);
  });

  it('a retry that cannot ask Twilio whether the lost attempt sent it waits and asks again, rather than sending twice', async () => {
    const request = deliverRequest({ contact: { ...deliverRequest().contact, phone: '+46701119999' } });
    const crashOnce = crashingOnceAt(deps, 'after-send');
    await expect(attempt(crashOnce, request)).rejects.toThrow('worker killed');
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'pending' });
    // Twilio's list call fails (500, then 429): the retry does not know, so it must not send.
    t.fakes.twilio.listFailures.fail('500');
    t.fakes.twilio.listFailures.fail('429');
    for (const type of ['ProviderUnavailable', 'ProviderRateLimited']) {
      const failure = await attempt(crashOnce, request).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type, nonRetryable: false, message: expect.stringContaining('could not ask twilio whether an earlier attempt sent it') });
    }
    expect(t.fakes.twilio.sent.filter((m) => m.to === '+46701119999')).toHaveLength(1);
    // Twilio answers again: the retry finds the message and adopts its id.
    await expect(attempt(crashOnce, request)).resolves.toMatchObject({ status: 'accepted' });
    expect(t.fakes.twilio.sent.filter((m) => m.to === '+46701119999')).toHaveLength(1);
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'accepted', provider_message_id: t.fakes.twilio.sent.find((m) => m.to === '+46701119999')!.sid });
  });

  it('SendGrid cannot be asked what it took: a crash right after it accepted and before the ledger write sends twice (the documented window)', async () => {
    const request = deliverRequest({ channel: 'email' });
    const crashOnce = crashingOnceAt(deps, 'after-send');
    await expect(attempt(crashOnce, request)).rejects.toThrow('worker killed');
    await attempt(crashOnce, request);
    expect(t.fakes.sendgrid.sent).toHaveLength(2);
    // Every other crash point is safe for e-mail too.
    t.fakes.sendgrid.reset();
    for (const point of ['before-ledger', 'before-send', 'after-ledger'] as CrashPoint[]) {
      const settled = await untilSettled(crashingOnceAt(deps, point), deliverRequest({ channel: 'email' }));
      expect(settled.result).toMatchObject({ status: 'accepted' });
    }
    expect(t.fakes.sendgrid.sent).toHaveLength(3);
  });
  it('the sandbox records a message and its ledger acceptance in one statement; writes carried with a send go with its first read, and one that fails leaves the send alone', async () => {
    const statements: string[] = [];
    const counted: Queryable = { query: <T,>(sql: string, params?: unknown[]) => (statements.push(sql), t.db.query<T>(sql, params)), exec: (sql: string) => t.db.exec(sql) };
    const sandbox: SendDeps = { ...deps, db: counted, providers: { sms: createSandboxProvider(counted, 'sms'), email: createSandboxProvider(counted, 'email') } };
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (message: string) => void warnings.push(message) };
    const request = deliverRequest({ channel: 'email', messageId: 'carried-1', contact: { ...deliverRequest().contact, email: 'carried@example.com' } });
    // What ingest carries with a new journey's acknowledgement: the journey's first record on the board.
    const board = (applicationId: string, tenant: string | null = 'acme') =>
      journeyBoardWrite({ tenant: tenant as string, applicationId, journeyId: 'default-sv', definitionVersion: 'default-sv@abc', status: 'open', outcome: null, stage: 'applied', paused: false, timeZone: 'Europe/Stockholm', locale: 'sv-SE', startedAt: STOCKHOLM_MORNING, waitingSince: STOCKHOLM_MORNING, lastMessage: { template: 'applied.ack', channel: 'email', at: STOCKHOLM_MORNING }, nextMessage: null, seq: 0 });
    await expect(sendMessage({ ...sandbox, log }, request, { carried: [board(request.applicationId)] })).resolves.toMatchObject({ status: 'delivered' });
    // Read (with the carried write), claim, outbox row with the acceptance: three statements, and they agree.
    expect(statements.filter((sql) => !/signing_keys/.test(sql))).toHaveLength(3);
    expect(await findLedgerRow(t.db, { tenant: 'acme', messageId: 'carried-1', channel: 'email' })).toMatchObject({ status: 'delivered', provider_message_id: 'sandbox:acme:carried-1:email', claim_id: null });
    expect((await t.db.query('select 1 from outbox where tenant_id = $1 and message_id = $2', ['acme', 'carried-1'])).rows).toHaveLength(1);
    expect((await t.db.query('select stage from journey_board where tenant_id = $1 and application_id = $2', ['acme', request.applicationId])).rows).toEqual([{ stage: 'applied' }]);
    expect(warnings).toEqual([]);
    // A carried write that cannot run (here: a board row without a tenant) is dropped with a warning; the message goes.
    const second = { ...request, messageId: 'carried-2', applicationId: 'carried-app-2' };
    await expect(sendMessage({ ...sandbox, log }, second, { carried: [board(second.applicationId, null)] })).resolves.toMatchObject({ status: 'delivered' });
    expect(warnings).toEqual(['writes carried with the send failed; sending without them']);
    expect(await findLedgerRow(t.db, { tenant: 'acme', messageId: 'carried-2', channel: 'email' })).toMatchObject({ status: 'delivered' });
    expect((await t.db.query('select 1 from journey_board where application_id = $1', [second.applicationId])).rows).toEqual([]);
  });
});
