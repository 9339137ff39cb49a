// The public surface of the summary; each part stays internal to the domain.
export { ownersAt } from './account.js';
export { summarizeAccount } from './summarize-account.js';
export { primaryUseCaseGreenSince, useCaseColors } from './usage.js';
