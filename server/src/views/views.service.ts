import { Inject, Injectable } from '@nestjs/common';
import {
  type AccountSummary,
  buildRenewalsView,
  buildTeamView,
  compareAccountIds,
  type DrillDown,
  type DrillTarget,
  drillDown,
  filterSummaries,
  type KpiHelp,
  kpiHelp,
  type PulseConfig,
  type RenewalsView,
  renewalsCache,
  type ScopeFilters,
  type SummaryChange,
  type TeamMember,
  type TeamView,
  type TeamViewKind,
} from '@pulse/domain';
import { type AccountDetail, type ChangesState, type Topic, topicKey } from '@pulse/protocol';
import { Clock, todayOf } from '../clock/clock.js';
import { FactsRepository } from '../facts/facts.repository.js';
import {
  type TopicChangeSet,
  TopicLoadError,
  type TopicSource,
  type TopicUpdate,
} from '../live/topic-source.js';
import { QuarantineRepository } from '../quarantine/quarantine.repository.js';
import { ScoresRepository } from '../scoring/scores.repository.js';
import { KPI_CONFIG, type ScoringOutcome } from '../scoring/scoring.service.js';
import { accountDetailOf } from './account-detail.js';
import { changesFeedOf } from './changes-feed.js';
import { LiveTeamViews, type TeamViewInputs } from './live-team-views.js';

/** The newest score moves the `changes` topic shows (less those that show no move). */
export const RECENT_CHANGES_LIMIT = 50;

/**
 * Builds every view from the account summaries (loaded at start, then handed over by scoring for
 * the accounts each batch touched) and @pulse/domain. It is the live gateway's TopicSource and the API's read model.
 */
@Injectable()
export class ViewsService implements TopicSource {
  private summaries = new Map<string, AccountSummary>();
  /** Summaries as they were before the last refresh, to notice accounts that left a topic's scope. */
  private replaced = new Map<string, AccountSummary>();
  private members: TeamMember[] = [];
  /** The summaries ordered by account id, so every list in a view has one stable order. */
  private ordered: AccountSummary[] | null = null;
  /** Streamed team topics, kept incrementally from the summaries each refresh replaces. */
  private readonly liveTeams = new LiveTeamViews();
  /** Each account's renewals rows of today, redone only when its summary is replaced. */
  private readonly renewals = renewalsCache();

  constructor(
    private readonly scores: ScoresRepository,
    private readonly facts: FactsRepository,
    private readonly quarantine: QuarantineRepository,
    @Inject(KPI_CONFIG) private readonly kpiConfig: PulseConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Batches reach the streamed team topics one at a time, and no topic opens while one is being
   * applied (a bulk sync yields to the event loop midway): nobody sees half a batch.
   */
  private exclusive: Promise<unknown> = Promise.resolve();

  private serially<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.exclusive.then(work, work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  refreshAll(): Promise<void> {
    return this.serially(async () => {
      const [summaries, members] = await Promise.all([
        this.scores.loadSummaries(),
        this.facts.listTeamMembers(),
      ]);
      this.summaries = new Map(summaries.map((summary) => [summary.accountId, summary]));
      this.ordered = null;
      this.members = members;
      this.replaced.clear();
      // Every summary is new: each streamed team topic is rebuilt and sends what differs.
      await this.liveTeams.apply([], true, this.teamViewInputs());
    });
  }

  /**
   * Takes the summaries scoring just computed for a batch, without reading them back. An account
   * of the batch that scoring left out and that did not fail no longer exists; a failed one keeps
   * its last good summary. `'all'`: the batch is every account (a full pass). Reloads the people
   * when a person changed.
   */
  update(
    accountIds: readonly string[] | 'all',
    scored: Pick<ScoringOutcome, 'summaries' | 'failures'>,
    membersChanged: boolean,
  ): Promise<void> {
    return this.serially(() => this.applyUpdate(accountIds, scored, membersChanged));
  }

  private async applyUpdate(
    accountIds: readonly string[] | 'all',
    scored: Pick<ScoringOutcome, 'summaries' | 'failures'>,
    membersChanged: boolean,
  ): Promise<void> {
    if (membersChanged) this.members = await this.facts.listTeamMembers();
    const fresh = new Map(scored.summaries.map((summary) => [summary.accountId, summary]));
    const failed = new Set(scored.failures.map((failure) => failure.accountId));
    const batch = accountIds === 'all' ? this.summaries.keys() : accountIds;
    this.replaced.clear();
    const changes: SummaryChange[] = [];
    for (const id of new Set([...batch, ...fresh.keys()])) {
      const before = this.summaries.get(id);
      const after = fresh.get(id) ?? (failed.has(id) ? before : undefined);
      if (before !== undefined) this.replaced.set(id, before);
      if (after === undefined) this.summaries.delete(id);
      else this.summaries.set(id, after);
      if (before !== after) changes.push({ before, after });
    }
    this.ordered = null;
    await this.liveTeams.apply(changes, membersChanged, this.teamViewInputs());
  }

  private teamViewInputs(asOf: string = todayOf(this.clock)): TeamViewInputs {
    return { summaries: () => this.allSummaries(), members: this.members, asOf, config: this.kpiConfig };
  }

  private allSummaries(): AccountSummary[] {
    this.ordered ??= [...this.summaries.values()].sort((a, b) => compareAccountIds(a.accountId, b.accountId));
    return this.ordered;
  }

  /** The account's current summary (undefined when it does not exist). */
  summaryOf(accountId: string): AccountSummary | undefined {
    return this.summaries.get(accountId);
  }

  teamMembers(): TeamMember[] {
    return this.members;
  }

  teamView(view: TeamViewKind, filters: ScopeFilters, asOf: string = todayOf(this.clock)): TeamView {
    return buildTeamView(view, this.allSummaries(), this.members, filters, asOf, this.kpiConfig);
  }

  drillDown(
    view: TeamViewKind,
    target: DrillTarget,
    filters: ScopeFilters,
    asOf: string = todayOf(this.clock),
  ): DrillDown {
    return drillDown(view, target, this.allSummaries(), this.members, filters, asOf, this.kpiConfig);
  }

  kpiHelp(): KpiHelp {
    return kpiHelp(this.kpiConfig);
  }

  renewalsView(days: number, filters: ScopeFilters, asOf: string = todayOf(this.clock)): RenewalsView {
    return buildRenewalsView(
      this.allSummaries(),
      this.members,
      { days, filters },
      asOf,
      this.kpiConfig,
      this.renewals,
    );
  }

  summariesInScope(filters: ScopeFilters): AccountSummary[] {
    return filterSummaries(this.allSummaries(), this.members, filters);
  }

  /**
   * The account page. While the account is quarantined it shows the last good scorecard with the
   * reason, and facts without the unreadable rows.
   */
  async accountDetail(accountId: string): Promise<AccountDetail | null> {
    const [
      {
        facts: [facts],
      },
      scored,
      scoreHistory,
      quarantine,
    ] = await Promise.all([
      this.facts.loadAccountFacts([accountId]),
      // The page's scorecard and summary as stored, like the rest of the page (one consistent read).
      this.scores.loadScored(accountId),
      this.scores.history(accountId),
      this.quarantine.find(accountId),
    ]);
    if (!facts || !scored) return null;
    const { scorecard, summary } = scored;
    return accountDetailOf({ facts, scorecard, summary, scoreHistory, quarantine, members: this.members });
  }

  /**
   * The feed of the newest score moves of the accounts `filters` hold (of all accounts without
   * filters): those of the newest `limit` that show a move.
   */
  async recentChanges(filters: ScopeFilters = {}, limit = RECENT_CHANGES_LIMIT): Promise<ChangesState> {
    const inScope =
      Object.keys(filters).length === 0
        ? undefined
        : this.summariesInScope(filters).map((summary) => summary.accountId);
    return changesFeedOf(await this.scores.recent(limit, inScope));
  }

  async load(topic: Topic): Promise<unknown> {
    switch (topic.kind) {
      case 'team': {
        this.refuseFilterNamingNobody(topic.filters);
        return this.serially(() =>
          this.liveTeams.open(topicKey(topic), topic.team, topic.filters, this.teamViewInputs()),
        );
      }
      case 'renewals': {
        this.refuseFilterNamingNobody(topic.filters);
        return this.renewalsView(topic.days, topic.filters);
      }
      case 'changes': {
        this.refuseFilterNamingNobody(topic.filters);
        return this.recentChanges(topic.filters);
      }
      case 'account': {
        const detail = await this.accountDetail(topic.accountId);
        if (!detail) throw new TopicLoadError('not_found', `account '${topic.accountId}' does not exist`);
        return detail;
      }
    }
  }

  /**
   * The person filter that names nobody, if any: such a view is refused (over REST and the live
   * socket alike) rather than shown empty, so a typo is noticed and such topics cost nothing.
   */
  filterNamingNobody(filters: ScopeFilters): { filter: 'owner' | 'manager'; id: string } | null {
    return filterNamingNobody(filters, this.members);
  }

  private refuseFilterNamingNobody(filters: ScopeFilters): void {
    const nobody = this.filterNamingNobody(filters);
    if (nobody)
      throw new TopicLoadError('not_found', `filter '${nobody.filter}': no team member '${nobody.id}'`);
  }

  takeUpdate(topic: Topic): TopicUpdate | null {
    return topic.kind === 'team' ? this.liveTeams.take(topicKey(topic)) : null;
  }

  release(topic: Topic): void {
    if (topic.kind === 'team') this.liveTeams.close(topicKey(topic));
  }

  affectedBy(topic: Topic, changes: TopicChangeSet): boolean {
    // A streamed team topic knows exactly: the refresh already applied the batch to it.
    if (topic.kind === 'team' && this.liveTeams.has(topicKey(topic)))
      return this.liveTeams.hasPending(topicKey(topic));
    if (changes.global || changes.memberIds.size > 0)
      return topic.kind !== 'changes' || changes.accountIds.size > 0;
    if (changes.accountIds.size === 0) return false;
    switch (topic.kind) {
      case 'account':
        return changes.accountIds.has(topic.accountId);
      case 'renewals':
      case 'changes':
      case 'team': {
        const touched: AccountSummary[] = [];
        for (const id of changes.accountIds) {
          const now = this.summaries.get(id);
          const before = this.replaced.get(id);
          if (now) touched.push(now);
          if (before) touched.push(before);
        }
        return filterSummaries(touched, this.members, topic.filters).length > 0;
      }
    }
  }
}

/** The person filter (owner or manager) that names none of `members`, if any. */
export function filterNamingNobody(
  filters: ScopeFilters,
  members: readonly TeamMember[],
): { filter: 'owner' | 'manager'; id: string } | null {
  for (const filter of ['owner', 'manager'] as const) {
    const id = filters[filter];
    if (id !== undefined && !members.some((member) => member.id === id)) return { filter, id };
  }
  return null;
}
