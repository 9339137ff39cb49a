import { type CardDefinition, deliverablesOnTimeCard } from './card-definition.js';
import { noPart } from './fold.js';

/** Cards the CSA view shows besides the CSM view's (KPIS.md §7.3). */
export const CSA_EXTRA_CARDS: CardDefinition[] = [
  {
    key: 'accelerators_delivered',
    label: 'Accelerators delivered against entitlement',
    unit: 'ratio',
    bands: (c) => c.ownBands.acceleratorDelivery,
    nowOnly: true,
    over: 'accounts',
    // sums [accelerators owed, delivered (up to the entitlement), accounts red on accelerators];
    // lists [entitled, overdue]. An overdue account is red even with the year's entitlement met.
    sums: 3,
    lists: 2,
    part: (s) => {
      const owed = s.acceleratorEntitlementPerYear;
      if (s.churned || owed <= 0) return noPart({ sums: 3, lists: 2 });
      return {
        sums: [owed, Math.min(s.acceleratorsLast365Days, owed), s.acceleratorColor === 'red' ? 1 : 0],
        listed: [true, s.acceleratorOverdue],
      };
    },
    finish: ([owed, delivered, red], [entitled, overdue]) => ({
      value: owed! > 0 ? delivered! / owed! : null,
      accountIds: entitled!,
      detail: {
        entitlement: owed!,
        delivered: delivered!,
        red: red!,
        overdue: overdue!.length,
        overdueAccounts: overdue!.join(','),
      },
    }),
  },
  deliverablesOnTimeCard(
    {
      key: 'accelerator_deliverables_on_time',
      label: 'Accelerator deliverables on time',
      unit: 'ratio',
      bands: (c) => c.cseKpi.deliverablesOnTime,
    },
    'accelerator',
  ),
];
