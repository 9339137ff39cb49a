import { Inject, Injectable } from '@nestjs/common';
import {
  type AccountSummary,
  buildRenewalsView,
  buildTeamView,
  compareAccountIds,
  computeScorecard,
  type IsoDate,
  type PulseConfig,
  type RenewalsView,
  type ScopeFilters,
  summarizeAccount,
  type TeamMember,
  type TeamView,
  type TeamViewKind,
} from '@pulse/domain';
import type { AccountDetail } from '@pulse/protocol';
import { AsOfFactsRepository } from '../facts/as-of-facts.repository.js';
import { ScoresRepository } from '../scoring/scores.repository.js';
import { KPI_CONFIG } from '../scoring/scoring.service.js';
import { accountDetailOf } from './account-detail.js';

/** A past instant and the day the engine computes for (its UTC date). */
export interface AsOf {
  instant: Date;
  day: IsoDate;
}

/** Everything a team or renewals view needs as of an instant: the team then and every account scored then. */
export interface AsOfSnapshot {
  asOf: AsOf;
  members: TeamMember[];
  summaries: AccountSummary[];
}

/**
 * Views as of a past instant (issue 14 point 2): the engine's output over the facts as they stood
 * then, read from the facts history and scored at that instant, never a replay of stored scores.
 * Scoring the live summaries at instant T over the facts of T gives the same numbers, so a view as
 * of T equals what the live view showed at T.
 */
@Injectable()
export class AsOfViewsService {
  constructor(
    private readonly facts: AsOfFactsRepository,
    private readonly scores: ScoresRepository,
    @Inject(KPI_CONFIG) private readonly kpiConfig: PulseConfig,
  ) {}

  /** The team and every account's summary at `asOf`. */
  async snapshot(asOf: AsOf): Promise<AsOfSnapshot> {
    const [loaded, members] = await Promise.all([
      this.facts.loadAllFacts(asOf.instant),
      this.facts.listTeamMembers(asOf.instant),
    ]);
    const at = asOf.instant.toISOString();
    const summaries = loaded.facts
      .map((facts) => summarizeAccount(facts, at, this.kpiConfig))
      .sort((a, b) => compareAccountIds(a.accountId, b.accountId));
    return { asOf, members, summaries };
  }

  teamView(snapshot: AsOfSnapshot, view: TeamViewKind, filters: ScopeFilters): TeamView {
    const { summaries, members, asOf } = snapshot;
    return buildTeamView(view, summaries, members, filters, asOf.day, this.kpiConfig);
  }

  renewalsView(snapshot: AsOfSnapshot, days: number, filters: ScopeFilters): RenewalsView {
    const { summaries, members, asOf } = snapshot;
    return buildRenewalsView(summaries, members, { days, filters }, asOf.day, this.kpiConfig);
  }

  /** The account page as of `asOf`; null when the account did not exist then. */
  async accountDetail(accountId: string, asOf: AsOf): Promise<AccountDetail | null> {
    const [
      {
        facts: [facts],
      },
      members,
      scoreHistory,
    ] = await Promise.all([
      this.facts.loadAccountFacts([accountId], asOf.instant),
      this.facts.listTeamMembers(asOf.instant),
      this.scores.history(accountId, undefined, asOf.instant),
    ]);
    if (!facts) return null;
    const at = asOf.instant.toISOString();
    const scorecard = computeScorecard(facts, at, this.kpiConfig);
    const summary = summarizeAccount(facts, at, this.kpiConfig, scorecard);
    // A quarantine is the live pipeline's state, not a fact: a past page shows none.
    return accountDetailOf({ facts, scorecard, summary, scoreHistory, quarantine: null, members });
  }
}
