import { join } from 'node:path';
import { parseAtsEvent, type AtsEvent } from '../../core/events/envelope';
import { DEMO_PATHS } from '../../core/events/examples';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { required, unique } from '../helpers/env';
import { testKafka } from '../helpers/ingest-harness';
import { ROOT, runProcess, type Run } from '../helpers/processes';

/** Runs `npm run events -- …` (the CLI itself, through tsx) against the test broker. */
function cli(args: string[]): Promise<Run> {
  return runProcess(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'services', 'cli', 'events.ts'), ...args], { env: { ...process.env, KAFKA_BROKERS: required('KAFKA_BROKERS') } });
}

describe('npm run events -- produce: the demo scenario on the real broker', () => {
  const kafka = testKafka('candor-cli-test');

  it('produces six applications that go different ways, valid events in order per application, round by round at the pace asked', async () => {
    const tenant = unique('cli');
    const before = Date.now();
    const run = await cli(['produce', '--scenario', 'demo', '--tenant', tenant, '--application', 'demo', '--pace', '0.3']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`6 application(s), scenario "demo": watch journey/${tenant}/demo-1…6`);

    // Read the topic back; other tests share it, so keep this tenant's messages only.
    const consumer = kafka.consumer({ groupId: unique('cli-check') });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC_ATS_EVENTS, fromBeginning: true });
    const expected = DEMO_PATHS.reduce((n, path) => n + path.length, 0);
    const received: { key: string; event: AtsEvent; timestamp: number }[] = [];
    const problems: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const key = message.key?.toString() ?? '';
            if (!key.startsWith(`${tenant}:`)) return;
            const parsed = parseAtsEvent(message.value, message.key);
            if (!parsed.ok) problems.push(JSON.stringify(parsed.problem));
            else received.push({ key, event: parsed.event, timestamp: Number(message.timestamp) });
            if (received.length + problems.length === expected) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    expect(problems).toEqual([]);
    const byApplication = new Map<string, AtsEvent[]>();
    for (const { key, event } of received) byApplication.set(key, [...(byApplication.get(key) ?? []), event]);
    expect([...byApplication.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${tenant}:demo-${n}`));
    DEMO_PATHS.forEach((path, n) => expect(byApplication.get(`${tenant}:demo-${n + 1}`)!.map((e) => e.type)).toEqual(path));

    // Each candidate is someone else, and an interview is in the future, as a real ATS would send it.
    const created = [...byApplication.values()].map((events) => events[0]!.data as { candidate: { firstName: string; email: string; phone: string } });
    expect(new Set(created.map((d) => d.candidate.firstName)).size).toBe(6);
    expect(new Set(created.map((d) => d.candidate.phone)).size).toBe(6);
    const interview = byApplication.get(`${tenant}:demo-2`)!.find((e) => e.type === 'ats.interview.scheduled')!.data as { interview: { start: string } };
    expect(Date.parse(interview.interview.start)).toBeGreaterThan(before);

    // Round r holds each application's r-th event; --pace 0.3 keeps rounds at least that far apart.
    const times = new Map<string, number[]>();
    for (const { key, timestamp } of received) times.set(key, [...(times.get(key) ?? []), timestamp]);
    const round = (r: number) => [...times.values()].flatMap((t) => t.slice(r, r + 1));
    expect(Math.min(...round(1)) - Math.max(...round(0))).toBeGreaterThanOrEqual(250);
  }, 60_000);

  it('says what is wrong with its arguments and produces nothing', async () => {
    const unknown = await cli(['produce', '--scenario', 'party']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown scenario "party". Choose one of: sample, hired, rejected, interview, withdrawn, demo.');
    const badPace = await cli(['produce', '--scenario', 'demo', '--pace', 'soon']);
    expect(badPace.code).toBe(2);
    expect(badPace.stderr).toContain('--pace must be a number of seconds from 0 to 3600, not "soon".');
    const badCount = await cli(['produce', '--applications', '0']);
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--applications must be a whole number from 1 to 10000, not "0".');
  }, 60_000);
});
