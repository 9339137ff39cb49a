import { Injectable } from '@nestjs/common';
import {
  firedAlerts,
  outsideQuietPeriod,
  type PulseConfig,
  type ScoreChange,
  type Scorecard,
  type ScoredAgain,
  type StorableScore,
  withoutMuted,
} from '@pulse/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../database/database.types.js';
import { AlertRulesCache } from './alert-rules.cache.js';
import { AlertsRepository } from './alerts.repository.js';

/** What scoring writes with its scores: the alerts a scoring raised, for the same transaction. */
export type OutboxWrite = (trx: Kysely<Database>) => Promise<void>;

/**
 * Judges each scoring against the alert rules (@pulse/domain) and hands scoring the outbox write
 * to run in the transaction of its scores, so an alert exists exactly when its score change does.
 */
@Injectable()
export class AlertRaiser {
  constructor(
    private readonly rules: AlertRulesCache,
    private readonly alerts: AlertsRepository,
  ) {}

  /**
   * The outbox write for this scoring, or null when it raises nothing (the common case: no extra
   * query). `previous` (the stored scorecards) is read only when there are rules.
   */
  async raise(
    previousScorecards: () => ReadonlyMap<string, Scorecard>,
    scored: readonly StorableScore[],
    changes: readonly ScoreChange[],
    at: Date,
    config: PulseConfig,
  ): Promise<OutboxWrite | null> {
    const { rules, members } = await this.rules.get();
    if (rules.length === 0) return null;
    const previous = previousScorecards();
    const changeOf = new Map(changes.map((change) => [change.accountId, change]));
    const again: ScoredAgain[] = [];
    for (const { accountId, scorecardJson, summary } of scored) {
      const before = previous.get(accountId);
      // Scoring hands the scorecard serialised (stored as is); only accounts scored before are read.
      const scorecard: Scorecard | undefined = before && JSON.parse(scorecardJson);
      if (before && scorecard)
        again.push({ before, after: scorecard, summary, change: changeOf.get(scorecard.accountId) ?? null });
    }
    const asOf = at.toISOString();
    // Mutes and past alerts are read only when some rule fires: most scorings raise nothing.
    let fired = firedAlerts(again, rules, members, config);
    if (fired.length === 0) return null;
    fired = withoutMuted(fired, await this.alerts.activeMutes(at), asOf);
    fired = outsideQuietPeriod(fired, rules, await this.alerts.lastRaised(fired), asOf, config);
    if (fired.length === 0) return null;
    return (trx) => AlertsRepository.writeOutbox(trx, fired, at);
  }
}
