import type { SuccessTier } from './facts.js';

/** Which measures apply per success tier (KPIS.md §1.1 applicability table). */
export interface TierApplicability {
  sentiment: boolean;
  /** Success plan, meeting cadence, persona engagement, EBRs. */
  ownerLedMeasures: boolean;
}

export function tierApplicability(tier: SuccessTier): TierApplicability {
  switch (tier) {
    case 'on_demand':
      return { sentiment: false, ownerLedMeasures: false };
    case 'cse_assigned':
      return { sentiment: true, ownerLedMeasures: false };
    default:
      return { sentiment: true, ownerLedMeasures: true };
  }
}

/** Success tiers in words, for the engine's own sentences ("not measured for the CSE-assigned tier"). */
export const TIER_WORDS: Record<SuccessTier, string> = {
  on_demand: 'on-demand',
  cse_assigned: 'CSE-assigned',
  essentials: 'Essentials',
  advanced: 'Advanced',
  signature: 'Signature',
};
