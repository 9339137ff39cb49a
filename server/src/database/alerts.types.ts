/** Kysely table interfaces of the alerts (migration 0005); see database.types.ts for the conventions. */
import type { AlertTrigger, Color, ScopeFilters } from '@pulse/domain';
import type { AlertChannel, AlertChannelKind } from '@pulse/protocol';
import type { ColumnType } from 'kysely';

type Identity = ColumnType<number, never, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TimestampDefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface AlertRulesTable {
  id: Identity;
  name: string;
  trigger: AlertTrigger;
  threshold: number | null;
  scope: Json<ScopeFilters>;
  quiet_hours: number | null;
  channels: Json<AlertChannel[]>;
  enabled: WithDefault<boolean>;
  created_by: string | null;
  created_at: TimestampDefaultNow;
  updated_at: TimestampDefaultNow;
}

/** The outbox: one row per alert raised, written with the score change that raised it. */
export interface AlertsTable {
  id: Identity;
  rule_id: number;
  account_id: string;
  score_change_id: ColumnType<number | null, unknown, number | null>;
  trigger: AlertTrigger;
  reason: string;
  from_score: number | null;
  to_score: number | null;
  from_color: Color | null;
  to_color: Color | null;
  /** The causes measure by measure (the score change's contributions); write with JSON.stringify. */
  contributions: ColumnType<unknown, string | null, string | null>;
  raised_at: Timestamp;
  /** Set once the deliverer has made its deliveries and recipients. */
  planned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface AlertRecipientsTable {
  alert_id: number;
  member_id: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface AlertDeliveriesTable {
  id: Identity;
  alert_id: number;
  channel: AlertChannelKind;
  /** URL, or the e-mail addresses joined by commas. */
  target: string;
  secret: string | null;
  idempotency_key: ColumnType<string, string | undefined, never>;
  status: WithDefault<DeliveryStatus>;
  attempts: WithDefault<number>;
  next_attempt_at: TimestampDefaultNow;
  leased_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A receiver's record: marked failing after the configured number of failed tries. */
export interface AlertReceiversTable {
  channel: AlertChannelKind;
  target: string;
  consecutive_failures: WithDefault<number>;
  failing_since: Date | null;
  last_error: string | null;
  last_success_at: Date | null;
}

export interface AccountMutesTable {
  account_id: string;
  muted_until: Timestamp;
  muted_by: string | null;
  created_at: TimestampDefaultNow;
}

export interface AlertsTables {
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_recipients: AlertRecipientsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_receivers: AlertReceiversTable;
  account_mutes: AccountMutesTable;
}
