import { CONFIG_VARIABLES, ConfigError, loadConfig, SECRET_VARIABLES } from '../../core/config';

describe('config', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.role).toBe('all');
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'candor-journeys', workflowStackTraces: 'off', isolateTimeout: 'off', workerYieldCpu: 0.7 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.database.url).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.twilio).toBeUndefined();
    expect(config.sendgrid).toBeUndefined();
  });

  it('parses brokers, ports and providers', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      HTTP_PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/candor',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'token-abcdef',
      TWILIO_FROM: '+46700000000',
    });
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.http.port).toBe(8080);
    expect(config.twilio?.from).toBe('+46700000000');
    expect(loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '500' }).temporal.maxCachedWorkflows).toBe(500);
    expect(() => loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/TEMPORAL_MAX_CACHED_WORKFLOWS: must be at least 2/);
    expect(loadConfig({}).temporal).not.toHaveProperty('workflowTaskSlots');
    expect(loadConfig({ TEMPORAL_WORKFLOW_TASK_SLOTS: '80', TEMPORAL_LOCAL_ACTIVITY_SLOTS: '150' }).temporal).toMatchObject({ workflowTaskSlots: 80, localActivitySlots: 150 });
    expect(() => loadConfig({ TEMPORAL_WORKFLOW_TASK_SLOTS: '1' })).toThrow(/TEMPORAL_WORKFLOW_TASK_SLOTS: must be at least 2/);
    expect(loadConfig({ TEMPORAL_WORKFLOW_STACK_TRACES: 'on' }).temporal.workflowStackTraces).toBe('on');
    expect(() => loadConfig({ TEMPORAL_WORKFLOW_STACK_TRACES: 'yes' })).toThrow(/TEMPORAL_WORKFLOW_STACK_TRACES: must be on or off/);
    expect(loadConfig({ TEMPORAL_ISOLATE_TIMEOUT: 'on' }).temporal.isolateTimeout).toBe('on');
    expect(() => loadConfig({ TEMPORAL_ISOLATE_TIMEOUT: '5s' })).toThrow(/TEMPORAL_ISOLATE_TIMEOUT: must be on or off/);
    expect(config.database).toMatchObject({ url: 'postgres://u:p@db:5432/candor', preparedStatements: true });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).database.preparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(/DATABASE_PREPARED_STATEMENTS: must be on or off/);
    expect(loadConfig({}).definitionReferences).toBe(false);
    expect(loadConfig({ TEMPORAL_DEFINITION_REFERENCES: 'on' }).definitionReferences).toBe(true);
    expect(() => loadConfig({ TEMPORAL_DEFINITION_REFERENCES: 'yes' })).toThrow(/TEMPORAL_DEFINITION_REFERENCES: must be on or off/);
    expect(loadConfig({}).ingestMaxInFlight).toBe(64);
    expect(loadConfig({ INGEST_MAX_IN_FLIGHT: '192' }).ingestMaxInFlight).toBe(192);
    expect(() => loadConfig({ INGEST_MAX_IN_FLIGHT: '0' })).toThrow(/INGEST_MAX_IN_FLIGHT: /);
    expect(loadConfig({}).ingestCommitIntervalMs).toBe(1000);
    expect(loadConfig({ INGEST_COMMIT_INTERVAL_MS: '0' }).ingestCommitIntervalMs).toBe(0);
    expect(() => loadConfig({ INGEST_COMMIT_INTERVAL_MS: 'soon' })).toThrow(/INGEST_COMMIT_INTERVAL_MS: /);
    expect(config.secrets).toEqual(expect.arrayContaining(['token-abcdef', 'postgres://u:p@db:5432/candor']));
  });

  it('names every bad variable and what is wrong with it', () => {
    let error: unknown;
    try {
      loadConfig({ HTTP_PORT: 'seventy', CANDOR_ROLE: 'chef', KAFKA_BROKERS: 'nohost' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/HTTP_PORT: .*\(got "seventy"\)/);
    expect(message).toMatch(/CANDOR_ROLE: .*\(got "chef"\)/);
    expect(message).toMatch(/KAFKA_BROKERS: each broker must be host:port/);
  });

  it('never echoes a secret value in an error', () => {
    expect(() => loadConfig({ CANDOR_DEMO_API_KEY: 'short-secret' })).toThrow(/CANDOR_DEMO_API_KEY: must be at least 24 characters$/m);
    expect(() => loadConfig({ CANDOR_DEMO_API_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('rejects half-configured providers instead of silently using the sandbox', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/set all three to use Twilio/);
    expect(() => loadConfig({ SENDGRID_API_KEY: 'SG.x' })).toThrow(/set both to use SendGrid/);
  });

  it('lists every secret variable among the variables it reads', () => {
    for (const name of SECRET_VARIABLES) expect(CONFIG_VARIABLES).toContain(name);
  });
});
