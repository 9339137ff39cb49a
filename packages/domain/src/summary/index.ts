// The public surface of the summary; each part stays internal to the domain.
export { ownersAt } from './account.js';
export { summarizeAccount } from './summarize-account.js';
export { primaryUseCaseGreenSince, primaryUseCaseOf, useCaseColors } from './usage.js';
