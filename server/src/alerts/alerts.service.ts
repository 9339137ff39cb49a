import { Injectable } from '@nestjs/common';
import { ALERT_TRIGGER_INFO, ALERT_TRIGGERS, type PulseConfig } from '@pulse/domain';
import type {
  AccountMuteResponse,
  AlertChannel,
  AlertRulesResponse,
  BellResponse,
  PublicAlertRule,
} from '@pulse/protocol';
import { invalidParameter, notFound } from '../api/api-errors.js';
import type { AlertRuleBody } from './alert-rule.schema.js';
import { AlertRulesCache } from './alert-rules.cache.js';
import { type AlertRule, AlertsRepository } from './alerts.repository.js';

/** How far back the bell counts a person's alerts. */
const BELL_WINDOW_DAYS = 7;
const BELL_LIMIT = 50;

/** Rules, the bell and mutes, for the API. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly cache: AlertRulesCache,
  ) {}

  async rules(config: PulseConfig): Promise<AlertRulesResponse> {
    const [rules, failingReceivers] = await Promise.all([
      this.repository.listRules(),
      this.repository.failingReceivers(),
    ]);
    return {
      rules: rules.map(hideSecrets),
      triggers: ALERT_TRIGGERS.map((key) => {
        const threshold = ALERT_TRIGGER_INFO[key].threshold;
        return {
          key,
          label: ALERT_TRIGGER_INFO[key].label,
          threshold: threshold ? { unit: threshold.unit, default: threshold.default(config) } : null,
        };
      }),
      defaultQuietHours: config.alerts.quietHours,
      failingReceivers,
    };
  }

  async createRule(body: AlertRuleBody, by: string | null): Promise<PublicAlertRule> {
    await this.checkScope(body);
    const rule = await this.repository.insertRule({
      ...body,
      channels: withSecrets(body, []),
      createdBy: by,
    });
    this.cache.invalidate();
    return hideSecrets(rule);
  }

  async updateRule(id: number, body: AlertRuleBody): Promise<PublicAlertRule> {
    await this.checkScope(body);
    const current = (await this.repository.listRules()).find((rule) => rule.id === id);
    if (!current) throw notFound('alert rule', String(id));
    const rule = await this.repository.updateRule(id, {
      ...body,
      channels: withSecrets(body, current.channels),
      createdBy: current.createdBy,
    });
    this.cache.invalidate();
    return hideSecrets(rule!);
  }

  async deleteRule(id: number): Promise<void> {
    if (!(await this.repository.deleteRule(id))) throw notFound('alert rule', String(id));
    this.cache.invalidate();
  }

  async bell(member: string): Promise<BellResponse> {
    await this.requireMember(member, 'member');
    const since = new Date(Date.now() - BELL_WINDOW_DAYS * 86_400_000);
    const [recentCount, alerts] = await Promise.all([
      this.repository.countFor(member, since),
      this.repository.alertsFor(member, BELL_LIMIT),
    ]);
    return { member, recentCount, windowDays: BELL_WINDOW_DAYS, alerts };
  }

  async mute(accountId: string, hours: number, by: string | null): Promise<AccountMuteResponse> {
    await this.requireAccount(accountId);
    if (by !== null) await this.requireMember(by, 'member');
    await this.repository.mute(accountId, new Date(Date.now() + hours * 3_600_000), by);
    return this.muteOf(accountId);
  }

  async unmute(accountId: string): Promise<AccountMuteResponse> {
    await this.requireAccount(accountId);
    await this.repository.unmute(accountId);
    return this.muteOf(accountId);
  }

  async muteOf(accountId: string): Promise<AccountMuteResponse> {
    await this.requireAccount(accountId);
    return { accountId, mute: await this.repository.muteOf(accountId) };
  }

  private async checkScope(body: AlertRuleBody): Promise<void> {
    for (const field of ['owner', 'manager'] as const) {
      const id = body.scope[field];
      if (id !== undefined) await this.requireMember(id, `scope.${field}`);
    }
  }

  private async requireMember(id: string, field: string): Promise<void> {
    if (!(await this.repository.memberExists(id))) throw invalidParameter(field, `no team member '${id}'`);
  }

  private async requireAccount(id: string): Promise<void> {
    if (!(await this.repository.accountExists(id))) throw notFound('account', id);
  }
}

function hideSecrets(rule: AlertRule): PublicAlertRule {
  return {
    ...rule,
    channels: rule.channels.map((channel) =>
      channel.kind === 'webhook'
        ? { kind: 'webhook', url: channel.url, secret: '', secretSet: true }
        : channel,
    ),
  };
}

/** The body's channels, an empty webhook secret taking the current one for the same URL. */
function withSecrets(body: AlertRuleBody, current: readonly AlertChannel[]): AlertChannel[] {
  return body.channels.map((channel, index) => {
    if (channel.kind !== 'webhook' || channel.secret !== '') return channel as AlertChannel;
    const kept = current.find((c) => c.kind === 'webhook' && c.url === channel.url);
    if (kept?.kind !== 'webhook')
      throw invalidParameter(`channels.${index}.secret`, 'must be at least 16 characters');
    return { ...channel, secret: kept.secret };
  });
}
