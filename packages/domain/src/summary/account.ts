import { addMonths } from '../dates.js';
import { type AccountFacts, type IsoDate, OWNER_ROLES, type OwnerRole } from '../facts.js';
import type { AccountSummary } from '../views.js';

type AccountPart = Pick<
  AccountSummary,
  | 'accountId'
  | 'name'
  | 'asOf'
  | 'region'
  | 'segment'
  | 'successTier'
  | 'planTier'
  | 'priority'
  | 'lifecycleStage'
  | 'churned'
  | 'owners'
  | 'ownersAt12MonthsAgo'
>;

/** Who the account is and who owns it, now and 12 months before `day` (GRR/NRR cohorts). */
export function accountPart(facts: AccountFacts, day: IsoDate): AccountPart {
  const { account } = facts;
  return {
    accountId: account.id,
    name: account.name,
    asOf: day,
    region: account.region,
    segment: account.segment,
    successTier: account.successTier,
    planTier: account.planTier,
    priority: account.priority,
    lifecycleStage: account.lifecycleStage,
    churned: account.lifecycleStage === 'churned',
    owners: {
      csm: account.csmId,
      cse: account.cseId,
      csa: account.csaId,
      ae: account.aeId,
      rm: account.rmId,
    },
    ownersAt12MonthsAgo: ownersAt(facts, addMonths(day, -12)),
  };
}

/** Owner of each role at the end of `date`, from the owner history (current owner when there is none). */
export function ownersAt(facts: AccountFacts, date: IsoDate): Record<OwnerRole, string | null> {
  const end = `${date}T23:59:59.999Z`;
  const owners = {} as Record<OwnerRole, string | null>;
  for (const role of OWNER_ROLES) {
    const rows = facts.ownerHistory.filter((h) => h.role === role);
    if (rows.length === 0) {
      owners[role] = currentOwner(facts, role);
      continue;
    }
    let latest: (typeof rows)[number] | null = null;
    for (const h of rows) {
      if (
        h.validFrom <= end &&
        (latest === null ||
          h.validFrom > latest.validFrom ||
          (h.validFrom === latest.validFrom && h.id > latest.id))
      ) {
        latest = h;
      }
    }
    owners[role] = latest?.memberId ?? null;
  }
  return owners;
}

function currentOwner(facts: AccountFacts, role: OwnerRole): string | null {
  const a = facts.account;
  return { csm: a.csmId, cse: a.cseId, csa: a.csaId, ae: a.aeId, rm: a.rmId }[role];
}
