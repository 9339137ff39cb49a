/** The longest wait between two tries of one delivery. */
const MAX_DELAY_MS = 60 * 60_000;

/**
 * Wait before the next try after `attempts` failed ones: doubling from `baseMs`, with "equal
 * jitter" (half fixed, half random) so receivers coming back are not hit by every sender at once.
 */
export function deliveryRetryDelayMs(
  attempts: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
