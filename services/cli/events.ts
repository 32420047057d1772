// `npm run events -- <command>`: a small tool for platform teams and demos.
//   produce [--scenario sample|hired|rejected|interview|withdrawn|demo] [--tenant demo] [--application app-1] [--applications N] [--pace S]
//   tail [--tenant demo] [--from-beginning]     follow candor.journey-events
//   schemas [--check]                           write (or check) the JSON Schema files under schemas/
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../core/config';
import { demoRounds, SCENARIOS, scenarioMessages, type ScenarioMessage, type ScenarioName } from '../../core/events/examples';
import { jsonSchemaFiles } from '../../core/events/json-schema';
import { TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS } from '../../core/kafka/topics';
import { createIdempotentProducer } from '../../core/kafka/client';

const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');
const SCENARIO_NAMES = [...Object.keys(SCENARIOS), 'demo'];
const USAGE = `usage: npm run events -- produce [--scenario ${SCENARIO_NAMES.join('|')}] [--tenant demo] [--application ID] [--applications N] [--pace SECONDS]
       npm run events -- tail [--tenant demo] [--from-beginning]
       npm run events -- schemas [--check]`;

function kafka(): Kafka {
  const config = loadConfig();
  return new Kafka({ clientId: `${config.kafka.clientId}-cli`, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
}

async function produce(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string', default: 'sample' },
      tenant: { type: 'string', default: 'demo' },
      application: { type: 'string' },
      applications: { type: 'string' },
      pace: { type: 'string' },
    },
  });
  const scenario = values.scenario;
  if (!SCENARIO_NAMES.includes(scenario)) {
    process.stderr.write(`Unknown scenario "${scenario}". Choose one of: ${SCENARIO_NAMES.join(', ')}.\n`);
    return 2;
  }
  const demo = scenario === 'demo';
  const count = values.applications === undefined ? (demo ? 6 : 1) : Number(values.applications);
  const pace = values.pace === undefined ? (demo ? 3 : 0) : Number(values.pace);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    process.stderr.write(`--applications must be a whole number from 1 to 10000, not "${values.applications}".\n`);
    return 2;
  }
  if (!Number.isFinite(pace) || pace < 0 || pace > 3600) {
    process.stderr.write(`--pace must be a number of seconds from 0 to 3600, not "${values.pace}".\n`);
    return 2;
  }
  const base = values.application ?? `app-${Date.now().toString(36)}`;
  // Rounds: each round is produced at once; --pace waits between rounds, so candidates move while you watch.
  const rounds: ScenarioMessage[][] = demo
    ? demoRounds({ tenant: values.tenant, base, count, provider: 'cli' })
    : Array.from({ length: count }, (_, n) => scenarioMessages(scenario as ScenarioName, { tenant: values.tenant, applicationId: count === 1 ? base : `${base}-${n + 1}`, provider: 'cli' }));
  const producer = createIdempotentProducer(kafka());
  await producer.connect();
  try {
    for (const [index, messages] of rounds.entries()) {
      if (index > 0 && pace > 0) await new Promise((resolve) => setTimeout(resolve, pace * 1000));
      await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages: messages.map(({ key, value }) => ({ key, value })) });
      for (const { event, key } of messages) process.stdout.write(`produced ${event.type} id=${event.id} key=${key}\n`);
    }
    const ids = count === 1 && !demo ? base : `${base}-1…${count}`;
    process.stdout.write(`${count} application(s), scenario "${scenario}": watch journey/${values.tenant}/${ids} in the Temporal UI, or the console's board.\n`);
  } finally {
    await producer.disconnect();
  }
  return 0;
}

async function tail(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, 'from-beginning': { type: 'boolean', default: false } } });
  // A group of its own, never committed to: tailing never moves anyone else's offsets.
  const consumer = kafka().consumer({ groupId: `candor-cli-tail-${process.pid}-${Date.now().toString(36)}` });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC_JOURNEY_EVENTS, fromBeginning: values['from-beginning'] });
  const stop = () => void consumer.disconnect().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(`tailing ${TOPIC_JOURNEY_EVENTS}${values.tenant ? ` for tenant ${values.tenant}` : ''} (Ctrl-C to stop)\n`);
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const text = message.value?.toString('utf8') ?? '';
      if (values.tenant && !message.key?.toString().startsWith(`${values.tenant}:`)) return;
      process.stdout.write(`${text}\n`);
    },
  });
  await new Promise<never>(() => undefined);
  return 0;
}

function schemas(args: string[]): number {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false } } });
  const files = jsonSchemaFiles();
  const stale = Object.entries(files).filter(([name, text]) => !existsSync(join(SCHEMAS_DIR, name)) || readFileSync(join(SCHEMAS_DIR, name), 'utf8') !== text);
  if (values.check) {
    for (const [name] of stale) process.stderr.write(`schemas/${name} is out of date: run npm run events -- schemas\n`);
    return stale.length === 0 ? 0 : 1;
  }
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(SCHEMAS_DIR, name), text);
  process.stdout.write(`wrote ${Object.keys(files).length} files to schemas/ (${stale.length} changed)\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'produce':
      return produce(rest);
    case 'tail':
      return tail(rest);
    case 'schemas':
      return schemas(rest);
    default:
      process.stderr.write(`${USAGE}\n`);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
