export * from './facts.js';
export * from './views.js';
