import type { Account } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { isoOrStored } from './instants.js';

export function toAccount(row: Row<'accounts'>): Account {
  return {
    id: row.id,
    name: row.name,
    segment: row.segment,
    region: row.region,
    successTier: row.success_tier,
    planTier: row.plan_tier,
    priority: row.priority,
    lifecycleStage: row.lifecycle_stage,
    primaryUseCase: row.primary_use_case,
    csmId: row.csm_id,
    cseId: row.cse_id,
    csaId: row.csa_id,
    aeId: row.ae_id,
    rmId: row.rm_id,
    licensedSeats: row.licensed_seats,
    contractStart: row.contract_start,
    renewalDate: row.renewal_date,
    onboardingStart: row.onboarding_start,
    onboardingClosed: row.onboarding_closed,
    firstValueDate: row.first_value_date,
    createdAt: isoOrStored(row.created_at),
    updatedAt: isoOrStored(row.updated_at),
  };
}
