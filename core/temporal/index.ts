/** The Temporal side of every role: the connection, the payload codec, and the one journey client (start, signal, query, update, list, delete). */
export * from './connection';
export * from './codec';
export * from './journeys';
export * from './erasure';
