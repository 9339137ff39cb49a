/** REST shapes of the alerts (issue 12): /api/alert-rules, /api/alerts, /api/accounts/:id/mute. */
import type { AlertTrigger, Color, ScopeFilters } from '@pulse/domain';

export type AlertChannelKind = 'slack' | 'webhook' | 'email';

/** One receiver of a rule: a Slack-compatible incoming webhook, a signed webhook, or e-mail. */
export type AlertChannel =
  | { kind: 'slack'; url: string }
  | { kind: 'webhook'; url: string; secret: string }
  /** `to` empty: the account's owners and their managers. */
  | { kind: 'email'; to: string[] };

export interface AlertRule {
  id: number;
  name: string;
  trigger: AlertTrigger;
  /** Points or days (see the trigger); null: the configuration's default. */
  threshold: number | null;
  scope: ScopeFilters;
  /** Null: the configuration's default. */
  quietHours: number | null;
  channels: AlertChannel[];
  enabled: boolean;
  createdBy: string | null;
  updatedAt: string;
}

/** A rule as the API shows it: webhook secrets are write-only (empty, with secretSet). */
export type PublicAlertRule = Omit<AlertRule, 'channels'> & {
  channels: (AlertChannel | { kind: 'webhook'; url: string; secret: ''; secretSet: true })[];
};

/** A receiver marked failing after the configured number of tries in a row. */
export interface FailingReceiver {
  channel: AlertChannelKind;
  target: string;
  consecutiveFailures: number;
  failingSince: string;
  lastError: string | null;
}

/** GET /api/alert-rules. */
export interface AlertRulesResponse {
  rules: PublicAlertRule[];
  triggers: {
    key: AlertTrigger;
    label: string;
    threshold: { unit: 'points' | 'days'; default: number } | null;
  }[];
  defaultQuietHours: number;
  failingReceivers: FailingReceiver[];
}

/** An alert as the bell and the messages show it. */
export interface AlertView {
  id: number;
  ruleId: number;
  ruleName: string;
  accountId: string;
  accountName: string;
  /** The score move that raised it (the account page opens on it); null when no score moved. */
  scoreChangeId: number | null;
  trigger: AlertTrigger;
  reason: string;
  fromScore: number | null;
  toScore: number | null;
  fromColor: Color | null;
  toColor: Color | null;
  /** Points each measure moved the score by, when a score move raised the alert. */
  contributions: Record<string, { label: string; points: number }>;
  raisedAt: string;
}

/** GET /api/alerts?member=: a person's bell. */
export interface BellResponse {
  member: string;
  /** Alerts of the last `windowDays` days. */
  recentCount: number;
  windowDays: number;
  alerts: AlertView[];
}

/** GET, PUT and DELETE /api/accounts/:id/mute. */
export interface AccountMuteResponse {
  accountId: string;
  mute: { until: string; by: string | null } | null;
}
