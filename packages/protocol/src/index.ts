export type * from './alerts.js';
export * from './client.js';
export * from './events.js';
export type * from './imports.js';
export type * from './payloads.js';
export * from './stream.js';
export * from './topics.js';
