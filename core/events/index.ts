/** The one event contract: CloudEvents envelopes, the ATS event schemas and types, journey events, examples and JSON Schema. */
export * from './envelope';
export * from './schemas';
export * from './journey-events';
export * from './examples';
export * from './json-schema';
