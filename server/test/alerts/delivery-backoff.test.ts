import { describe, expect, it } from 'vitest';
import { deliveryRetryDelayMs } from '../../src/alerts/delivery-backoff.js';

describe('delivery backoff: doubling from the base, with half of each wait random', () => {
  it.each<[number, number, number]>([
    // attempts, smallest wait, largest wait (base 1 s)
    [1, 500, 1_000],
    [2, 1_000, 2_000],
    [3, 2_000, 4_000],
    [10, 256_000, 512_000],
    // capped at an hour
    [30, 1_800_000, 3_600_000],
  ])('after %i failed tries: %i–%i ms', (attempts, min, max) => {
    expect(deliveryRetryDelayMs(attempts, 1_000, () => 0)).toBe(min);
    expect(deliveryRetryDelayMs(attempts, 1_000, () => 1)).toBe(max);
  });

  it('spreads senders apart', () => {
    const waits = new Set(Array.from({ length: 20 }, () => deliveryRetryDelayMs(3, 1_000)));
    expect(waits.size).toBeGreaterThan(10);
  });
});
