import type { ImportMapping } from '@pulse/protocol';

/**
 * Mappings that ship with Pulse for the exports users bring most (IMPORT-SOURCES.md). A mapping
 * saved under the same source and table replaces the built-in one.
 */
export const BUILT_IN_MAPPINGS: readonly { table: string; source: string; mapping: ImportMapping }[] = [
  {
    table: 'accounts',
    source: 'salesforce',
    mapping: {
      // Report exports use labels, API exports use field names: both are mapped.
      columns: {
        'Account ID': 'id',
        Id: 'id',
        'Account Name': 'name',
        Name: 'name',
        OwnerId: 'ae_id',
        'Account Owner ID': 'ae_id',
        CSM__c: 'csm_id',
        Success_Tier__c: 'success_tier',
        Renewal_Date__c: 'renewal_date',
        Segment__c: 'segment',
        Region__c: 'region',
        Plan_Tier__c: 'plan_tier',
        Lifecycle_Stage__c: 'lifecycle_stage',
        Licensed_Seats__c: 'licensed_seats',
        Contract_Start__c: 'contract_start',
      },
      dateFormat: 'mdy',
      values: {},
      currencyUnits: [],
    },
  },
  {
    table: 'renewals',
    source: 'salesforce',
    mapping: {
      columns: {
        Id: 'external_id',
        'Opportunity ID': 'external_id',
        AccountId: 'account_id',
        'Account ID': 'account_id',
        CloseDate: 'renewal_date',
        'Close Date': 'renewal_date',
        Amount: 'atr_cents',
        Forecast_Amount__c: 'forecast_cents',
        Risk_Category__c: 'risk_category',
        Risk_Reason__c: 'risk_reason',
      },
      dateFormat: 'mdy',
      values: {},
      currencyUnits: ['atr_cents', 'forecast_cents', 'won_cents'],
    },
  },
  {
    table: 'support_tickets',
    source: 'zendesk',
    mapping: {
      // organization_id is the customer; Zendesk organisations usually carry the CRM id as external_id,
      // so export that column under organization_id or map it here.
      columns: {
        id: 'external_id',
        organization_id: 'account_id',
        created_at: 'opened_at',
        solved_at: 'closed_at',
        priority: 'severity',
        subject: 'subject',
      },
      dateFormat: 'iso',
      values: { severity: { urgent: 'emergency', high: 'high', normal: 'normal', low: 'low' } },
      currencyUnits: [],
    },
  },
];
