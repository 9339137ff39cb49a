import { Injectable } from '@nestjs/common';
import type { AlertRuleSpec, TeamMember } from '@pulse/domain';
import { FactsRepository } from '../facts/facts.repository.js';
import { AlertsRepository } from './alerts.repository.js';

/** How long the rules and people read for one scoring serve the next ones (other processes' edits show within it). */
const FRESH_MS = 5_000;

interface RuleSet {
  rules: AlertRuleSpec[];
  members: TeamMember[];
  readAt: number;
}

/**
 * The enabled rules and the people their scopes name, read at most every few seconds: scoring runs
 * many times a second and must not pay a query for them each time. An edit through this process
 * is seen at once (invalidate).
 */
@Injectable()
export class AlertRulesCache {
  private current: Promise<RuleSet> | null = null;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly facts: FactsRepository,
  ) {}

  async get(): Promise<RuleSet> {
    const cached = this.current ? await this.current.catch(() => null) : null;
    if (cached && performance.now() - cached.readAt < FRESH_MS) return cached;
    this.current = this.read();
    return this.current;
  }

  invalidate(): void {
    this.current = null;
  }

  private async read(): Promise<RuleSet> {
    const enabled = (await this.alerts.listRules()).filter((rule) => rule.enabled);
    // People are needed only to place accounts in rule scopes: none without rules.
    const members = enabled.length > 0 ? await this.facts.listTeamMembers() : [];
    return {
      rules: enabled.map(({ id, trigger, threshold, scope, quietHours }) => ({
        id,
        trigger,
        threshold,
        scope,
        quietHours,
      })),
      members,
      readAt: performance.now(),
    };
  }
}
