/**
 * Send-path benchmark: messages per second through consent/quiet-hours checks + render + ledger + provider,
 * (a) with the sandbox provider and (b) with the real Twilio and SendGrid SDKs against the local fakes,
 * one at a time and 16 in flight, with the share of time in each step. In-memory PGlite; no stack needed.
 * Run: NODE_OPTIONS=--experimental-vm-modules npx tsx test/benchmarks/messaging.ts [messages]
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { createSandboxProvider, sendMessage, type SendDeps, type SendStep } from '../../activities/messaging';
import { deliverRequest, fakeProviders, messagingDb, startFakes, STOCKHOLM_MORNING } from '../helpers/messaging-world';

const total = Number(process.argv[2] ?? 2000);
const definition = loadDefaultJourneys().get('sv')!.definition;
const text = { sv: definition.stages.applied.onEnter[0]!.text!.sv! };

async function measure(label: string, base: Omit<SendDeps, 'observe'>, concurrency: number): Promise<void> {
  const steps: Record<SendStep, number> = { checks: 0, render: 0, ledger: 0, provider: 0 };
  const deps: SendDeps = { ...base, observe: (step, ms) => void (steps[step] += ms) };
  const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
  const requests = Array.from({ length: total }, (_, i) =>
    deliverRequest({ channel: i % 2 === 0 ? 'sms' : 'email', text, contact: { ...deliverRequest().contact, phone: `+4670${String(i).padStart(7, '0')}`, email: `c${i}@example.com` } }),
  );
  const started = performance.now();
  await env.run(async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) await sendMessage(deps, requests[next++]!);
      }),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const sum = Object.values(steps).reduce((a, b) => a + b, 0);
  const share = (Object.entries(steps) as [SendStep, number][]).map(([step, ms]) => `${step} ${Math.round((100 * ms) / sum)}%`).join(', ');
  console.log(`${label}: ${Math.round(total / seconds)} messages/s (${total} in ${seconds.toFixed(2)} s; ${concurrency} in flight) — ${share}`);
}

async function main(): Promise<void> {
  const db = await messagingDb();
  const fakes = await startFakes(0, 0);
  const common = { db, publicUrl: 'https://candor.example', calendarFor: () => definition, now: () => STOCKHOLM_MORNING };
  const sandbox = { ...common, providers: { sms: createSandboxProvider(db, 'sms'), email: createSandboxProvider(db, 'email') } };
  const real = { ...common, providers: fakeProviders(fakes, 5000) };
  await measure('warm-up', sandbox, 1);
  await measure('(a) render + ledger + sandbox', sandbox, 1);
  await measure('(a) render + ledger + sandbox', sandbox, 16);
  await measure('(b) render + ledger + Twilio/SendGrid SDKs → fakes', real, 1);
  await measure('(b) render + ledger + Twilio/SendGrid SDKs → fakes', real, 16);
  await fakes.close();
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
