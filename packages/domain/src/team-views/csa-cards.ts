import { type CardDefinition, deliverablesOnTime, live } from './card-definition.js';

/** Cards the CSA view shows besides the CSM view's (KPIS.md §7.3). */
export const CSA_EXTRA_CARDS: CardDefinition[] = [
  {
    key: 'accelerators_delivered',
    label: 'Accelerators delivered against entitlement',
    unit: 'ratio',
    bands: (c) => c.accelerators.delivered,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const entitled = live(ctx.accounts).filter((s) => s.acceleratorEntitlementPerYear > 0);
      const owed = entitled.reduce((n, s) => n + s.acceleratorEntitlementPerYear, 0);
      const delivered = entitled.reduce(
        (n, s) => n + Math.min(s.acceleratorsLast365Days, s.acceleratorEntitlementPerYear),
        0,
      );
      const overdue = entitled.filter((s) => s.acceleratorOverdue).map((s) => s.accountId);
      return {
        value: owed > 0 ? delivered / owed : null,
        accountIds: entitled.map((s) => s.accountId),
        detail: { entitlement: owed, delivered, overdue: overdue.length, overdueAccounts: overdue.join(',') },
      };
    },
  },
  {
    key: 'accelerator_deliverables_on_time',
    label: 'Accelerator deliverables on time',
    unit: 'ratio',
    bands: (c) => c.cseKpi.deliverablesOnTime,
    compute: (ctx) => deliverablesOnTime(ctx, 'accelerator'),
  },
];
