import type { PulseConfig } from '../config.js';
import type { IsoDate, TeamMember } from '../facts.js';
import { fiscalQuarter } from '../fiscal.js';
import {
  type ArrayEdit,
  diffJson,
  type KnownEdits,
  type PatchOperation,
  pointerToken,
} from '../json-diff.js';
import { waterfallSpans } from '../revenue.js';
import { inRetentionCohort, inScopeNow } from '../scope.js';
import type {
  AccountSummary,
  KpiCard,
  LeaderboardEntry,
  NetArrWaterfall,
  ScopeFilters,
  TeamView,
  TeamViewKind,
  TrendPoint,
} from '../views.js';
import type { CardContext, CardDefinition, CardValue } from './card-definition.js';
import { ADOPTION_MATRIX, HEALTH_DISTRIBUTION, netArrWaterfallFold, PLAN_FUNNEL } from './charts.js';
import { ascending, type Fold, type Part } from './fold.js';
import { leaderboardCandidates, leaderboardCards, leaderboardPeopleOf } from './leaderboard.js';
import { type CardScope, kpiCard, TEAM_VIEW_CARDS, teamViewScopes } from './team-view.js';

/** One account's summary before and after a batch (absent: the account did not exist). */
export interface SummaryChange {
  before?: AccountSummary;
  after?: AccountSummary;
}

/** The one order of accounts in every list of a view (callers hand summaries in this order). */
export const compareAccountIds = (a: string, b: string): number => a.localeCompare(b);

/** Where `id` stands, or would stand, in a list in account order (binary search). */
function sortedIndex(list: readonly string[], id: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAccountIds(list[mid]!, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts `id` in its place in a list in account order (in place); returns the edit. */
function insertInOrder(list: string[], id: string): ArrayEdit {
  const at = sortedIndex(list, id);
  list.splice(at, 0, id);
  return { at, added: id };
}

/** Takes `id` out of a list in account order (in place); returns the edit (null: not listed). */
function removeInOrder(list: string[], id: string): ArrayEdit | null {
  const at = sortedIndex(list, id);
  if (list[at] !== id) return null;
  list.splice(at, 1);
  return { at, removed: true };
}

/**
 * Per id list copied from one handed out in a state, that list and the edits made to the copy
 * since: the next patch is those edits, not a walk over two lists of every account.
 */
const listEdits = new WeakMap<readonly unknown[], { from: readonly unknown[]; edits: ArrayEdit[] }>();

const knownEdits: KnownEdits = (a, b) => {
  const log = listEdits.get(b);
  return log?.from === a ? log.edits : undefined;
};

const NO_LISTS: string[][] = [];

/** Accounts refolded between two chances for the caller to yield (a few ms of work). */
const REFOLD_SLICE = 2_000;

/** Accounts folded into every card at every date between two chances to yield (a few ms). */
const ACCOUNT_SLICE = 100;

/** Runs a stepwise computation to its end at once. */
function drain(steps: Generator<void>): void {
  for (const _ of steps);
}

/**
 * The running totals of one fold at one date: retract an account's old part, add its new one.
 * Integer sums (counts, cents) are exact under retract-and-add; a sum that meets a fraction (a
 * health score, a percent complete) is marked stale and refolded over its group in account order,
 * so floating-point rounding matches the full build bit for bit. Id lists are copied on the first
 * write after `result()` handed them out (a published state keeps its arrays), then changed in
 * place: a batch of n changes costs one copy per list, not n (a 50,000-account sync copied lists of
 * 50,000 ids 50,000 times).
 */
class FoldTotals<T, C> {
  private sums: number[];
  private missing = 0;
  private lists: string[][];
  /** The accounts' ranked values, ascending (sorted on the next `result()` after loading appended them). */
  private readonly ranked: number[][];
  private unsorted = false;
  /** Per list: handed out by `result()` since its last write, so the next write copies it first. */
  private readonly shared: boolean[];
  stale = false;
  /**
   * Whether the result may differ from the one last shown (its owner clears this once it has shown
   * it): false after a batch whose accounts all kept their part here, so the card or chart is
   * reused as it was instead of being built and diffed again.
   */
  changed = true;

  constructor(
    readonly fold: Fold<T, C>,
    readonly ctx: C,
    private readonly withLists: boolean,
  ) {
    this.sums = new Array<number>(fold.sums).fill(0);
    this.lists = withLists ? Array.from({ length: fold.lists }, () => []) : NO_LISTS;
    this.shared = new Array<boolean>(this.lists.length).fill(false);
    this.ranked = Array.from({ length: fold.ranks ?? 0 }, () => []);
  }

  /**
   * Moves an account from `before` to `after` (either null when it is not in the group then).
   * `appending`: accounts arrive in order after every account before them (loading), so sums add
   * up exactly as the full build adds them and ids go to the end of their lists.
   */
  replace(before: AccountSummary | null, after: AccountSummary | null, appending = false): void {
    if (!before && !after) return;
    const old = before ? this.fold.part(before, this.ctx) : null;
    const now = after ? this.fold.part(after, this.ctx) : null;
    if (!this.changed && (!before || !after || !samePart(old, now))) this.changed = true;
    if (before && old === null) this.missing -= 1;
    if (after && now === null) this.missing += 1;
    if (appending) {
      if (now) for (let i = 0; i < this.fold.sums; i++) this.sums[i]! += now.sums[i]!;
    } else if (!this.stale) {
      for (let i = 0; i < this.fold.sums; i++) {
        const delta = (now?.sums[i] ?? 0) - (old?.sums[i] ?? 0);
        if (delta === 0 && (now?.sums[i] ?? 0) === (old?.sums[i] ?? 0)) continue;
        const next = this.sums[i]! + delta;
        const exact =
          Number.isSafeInteger(this.sums[i]) &&
          Number.isSafeInteger(now?.sums[i] ?? 0) &&
          Number.isSafeInteger(old?.sums[i] ?? 0) &&
          Number.isSafeInteger(next);
        if (!exact) {
          this.stale = true;
          break;
        }
        this.sums[i] = next;
      }
    }
    for (let r = 0; r < this.ranked.length; r++) {
      const was = old?.ranked?.[r] ?? null;
      const is = now?.ranked?.[r] ?? null;
      if (was === is) continue;
      const values = this.ranked[r]!;
      if (appending) {
        if (is !== null) values.push(is);
        this.unsorted = true;
        continue;
      }
      if (was !== null) values.splice(sortedValueIndex(values, was), 1);
      if (is !== null) values.splice(sortedValueIndex(values, is), 0, is);
    }
    if (!this.withLists) return;
    const id = (after ?? before)!.accountId;
    for (let j = 0; j < this.fold.lists; j++) {
      const was = old?.listed[j] ?? false;
      const is = now?.listed[j] ?? false;
      if (was === is) continue;
      const list = this.writableList(j);
      if (appending) {
        list.push(id);
        continue;
      }
      const edit = is ? insertInOrder(list, id) : removeInOrder(list, id);
      if (edit) listEdits.get(list)?.edits.push(edit);
    }
  }

  private writableList(j: number): string[] {
    if (this.shared[j]) {
      const from = this.lists[j]!;
      this.lists[j] = [...from];
      listEdits.set(this.lists[j]!, { from, edits: [] });
      this.shared[j] = false;
    }
    return this.lists[j]!;
  }

  /**
   * Adds the parts of every account of the group again, in order (after a fraction came in),
   * pausing every REFOLD_SLICE accounts; stays stale until it has run to the end.
   */
  *refolding(accounts: readonly AccountSummary[]): Generator<void> {
    this.changed = true;
    this.sums.fill(0);
    this.missing = 0;
    for (let k = 0; k < accounts.length; k++) {
      const part = this.fold.part(accounts[k]!, this.ctx);
      if (part === null) this.missing += 1;
      else for (let i = 0; i < this.fold.sums; i++) this.sums[i]! += part.sums[i]!;
      if (k % REFOLD_SLICE === REFOLD_SLICE - 1) yield;
    }
    this.stale = false;
  }

  /** The fold's result, or null while an account's state at this date is unknown. */
  result(): T | null {
    if (this.missing > 0) return null;
    if (this.unsorted) {
      for (const values of this.ranked) values.sort(ascending);
      this.unsorted = false;
    }
    this.shared.fill(true);
    return this.fold.finish(this.sums, this.lists, this.ctx, this.ranked);
  }
}

/** Whether two parts add the same sums and list the same ids (both null: both unknown). */
function samePart(a: Part | null, b: Part | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  for (let i = 0; i < a.sums.length; i++) if (a.sums[i] !== b.sums[i]) return false;
  for (let j = 0; j < a.listed.length; j++) if (a.listed[j] !== b.listed[j]) return false;
  for (let r = 0; r < (a.ranked?.length ?? 0); r++) if (a.ranked![r] !== b.ranked![r]) return false;
  return true;
}

/** Where `value` stands, or would stand, in ascending values (binary search). */
function sortedValueIndex(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A card's totals per date (null at dates where the card has no value by definition). */
type CardTotals = (FoldTotals<CardValue, CardContext> | null)[];

/** An account's summary before and after a change where a group holds it, now and in its cohort. */
interface Move {
  id: string;
  nowBefore: AccountSummary | null;
  nowAfter: AccountSummary | null;
  cohortBefore: AccountSummary | null;
  cohortAfter: AccountSummary | null;
}

/**
 * Past this share of a group's accounts changed in one batch, the group is loaded again from the
 * new summaries (one part per account) instead of retracting and adding each change (two parts, a
 * comparison and list edits per change): a bulk sync rescores every account. Measured at 20,000
 * accounts, loading again breaks even near a fifth changed and wins clearly from 30 %.
 */
const RELOAD_SHARE = 0.25;

/**
 * One set of cards over one scope (the team's, or a leaderboard member's), and the team's charts,
 * kept current: a changed account costs O(1) per card and date (a median, O(log n) to find its
 * place), or, when a batch changes most of the group, the group is loaded again in account order.
 */
class CardGroup {
  /** Account ids in scope now and in the retention cohort, in account order. */
  private accounts: string[] = [];
  private cohort: string[] = [];
  private totals = new Map<string, CardTotals>();
  /**
   * Changes staged since the last settling (some may turn out to be outside the group); the first
   * `folded` of them are in the totals already.
   */
  private staged: SummaryChange[] = [];
  private folded = 0;
  private touched = false;
  cards: Record<string, KpiCard> = {};

  constructor(
    readonly scope: CardScope,
    private readonly definitions: readonly CardDefinition[],
    private readonly config: PulseConfig,
    /** The team's charts (over the accounts in scope now); null in a leaderboard row. */
    public charts: Charts | null = null,
  ) {
    for (const def of definitions) {
      this.totals.set(
        def.key,
        scope.contexts.map((ctx) => (def.nowOnly && !ctx.isNow ? null : new FoldTotals(def, ctx, ctx.isNow))),
      );
    }
  }

  get accountCount(): number {
    return this.accounts.length;
  }

  holdsNow(s: AccountSummary | undefined): s is AccountSummary {
    return (
      s !== undefined && inScopeNow(s, this.scope.filters, this.scope.people, this.scope.engagementCredit)
    );
  }

  holdsInCohort(s: AccountSummary | undefined): s is AccountSummary {
    return s !== undefined && inRetentionCohort(s, this.scope.filters, this.scope.people);
  }

  /** The change as this group sees it; null when the account is in none of its scopes. */
  private moveOf(before: AccountSummary | undefined, after: AccountSummary | undefined): Move | null {
    const move = {
      id: (after ?? before)?.accountId ?? '',
      nowBefore: this.holdsNow(before) ? before : null,
      nowAfter: this.holdsNow(after) ? after : null,
      cohortBefore: this.holdsInCohort(before) ? before : null,
      cohortAfter: this.holdsInCohort(after) ? after : null,
    };
    return move.nowBefore || move.nowAfter || move.cohortBefore || move.cohortAfter ? move : null;
  }

  /**
   * Keeps a change that may concern the group for the next settling, which finds out whether it
   * does: a group loaded again never needs to know.
   */
  stage(change: SummaryChange): void {
    this.staged.push(change);
  }

  /**
   * Retracts the account's old contribution and adds its new one. `appending`: accounts arrive in
   * order after every account before them (loading).
   */
  private fold(move: Move, appending = false): void {
    const { id, nowBefore, nowAfter, cohortBefore, cohortAfter } = move;
    for (const def of this.definitions) {
      const [b, a] = def.over === 'cohort' ? [cohortBefore, cohortAfter] : [nowBefore, nowAfter];
      if (!b && !a) continue;
      for (const totals of this.totals.get(def.key)!) totals?.replace(b, a, appending);
    }
    this.charts?.replace(nowBefore, nowAfter, appending);
    if (appending) {
      if (nowAfter) this.accounts.push(id);
      if (cohortAfter) this.cohort.push(id);
    } else {
      // Never handed out (a card's ids come from its fold), so changed in place.
      if (!nowBefore !== !nowAfter) (nowAfter ? insertInOrder : removeInOrder)(this.accounts, id);
      if (!cohortBefore !== !cohortAfter) (cohortAfter ? insertInOrder : removeInOrder)(this.cohort, id);
    }
    this.touched = true;
  }

  /**
   * Folds the staged changes in: one by one, or by loading the group again from `summaries` when
   * they are most of it. In steps; when interrupted, the next run carries on where this one
   * stopped (a load only takes effect whole, at its end).
   */
  private *folding(summaries: ReadonlyMap<string, AccountSummary>): Generator<void> {
    const size = Math.max(this.accounts.length, this.cohort.length);
    if (this.staged.length - this.folded > RELOAD_SHARE * size) {
      yield* this.reloading(summaries);
    } else {
      while (this.folded < this.staged.length) {
        const { before, after } = this.staged[this.folded++]!;
        const move = this.moveOf(before, after);
        if (move) this.fold(move);
        if (this.folded % ACCOUNT_SLICE === 0) yield;
      }
    }
    this.staged = [];
    this.folded = 0;
  }

  /** Loads the group again from the summaries of the accounts it held or holds now, in order. */
  private *reloading(summaries: ReadonlyMap<string, AccountSummary>): Generator<void> {
    const held = new Set([...this.accounts, ...this.cohort]);
    const newcomers = new Set<string>();
    for (const { before, after } of this.staged) {
      const id = (after ?? before)!.accountId;
      if (held.has(id) || newcomers.has(id)) continue;
      const now = summaries.get(id);
      if (this.holdsNow(now) || this.holdsInCohort(now)) newcomers.add(id);
    }
    const ids = mergeInOrder(
      mergeInOrder(this.accounts, this.cohort),
      [...newcomers].sort(compareAccountIds),
    );
    const fresh = new CardGroup(
      this.scope,
      this.definitions,
      this.config,
      this.charts && new Charts(this.charts.asOf, this.config),
    );
    for (let k = 0; k < ids.length; k++) {
      const move = fresh.moveOf(undefined, summaries.get(ids[k]!));
      if (move) fresh.fold(move, true);
      if (k % ACCOUNT_SLICE === ACCOUNT_SLICE - 1) yield;
    }
    this.accounts = fresh.accounts;
    this.cohort = fresh.cohort;
    this.totals = fresh.totals;
    this.charts = fresh.charts;
    this.touched = true;
  }

  /**
   * Folds the staged changes in and rebuilds the cards that changed since the last settling (nothing
   * when none was touched), in steps (after each card and date, and within long folds), so a
   * caller can yield between them. Run again from the start when interrupted: it only counts as
   * settled at its end.
   */
  *settling(summaries: ReadonlyMap<string, AccountSummary>, initial = false): Generator<void> {
    yield* this.folding(summaries);
    if (!this.touched && !initial) return;
    // The group's summaries, resolved at most once and only when a card needs them.
    const resolved = new Map<string[], AccountSummary[]>();
    const resolve = (ids: string[]) => {
      let found = resolved.get(ids);
      if (!found) {
        found = ids.map((id) => summaries.get(id)!);
        resolved.set(ids, found);
      }
      return found;
    };
    const cards: Record<string, KpiCard> = {};
    for (const def of this.definitions) {
      const dated = this.totals.get(def.key)!;
      if (!initial && dated.every((totals) => totals === null || !totals.changed)) {
        cards[def.key] = this.cards[def.key]!;
        continue;
      }
      const trend: TrendPoint[] = [];
      let now: CardValue | null = null;
      for (let i = 0; i < this.scope.contexts.length; i++) {
        const totals = dated[i];
        if (!totals) continue;
        if (totals.stale) {
          yield* totals.refolding(resolve(def.over === 'cohort' ? this.cohort : this.accounts));
          yield;
        }
        const result = totals.result();
        if (result === null) continue;
        const ctx = this.scope.contexts[i]!;
        trend.push({ date: ctx.at, value: result.value });
        if (ctx.isNow) now = result;
      }
      cards[def.key] = kpiCard(def, this.config, trend, now);
    }
    this.charts?.refoldStale(() => resolve(this.accounts));
    this.cards = cards;
    this.touched = false;
    for (const dated of this.totals.values()) for (const totals of dated) if (totals) totals.changed = false;
  }

  /** Folds every account in (in account order) and builds the cards. */
  load(summaries: ReadonlyMap<string, AccountSummary>, ordered: readonly AccountSummary[]): void {
    for (const s of ordered) {
      const move = this.moveOf(undefined, s);
      if (move) this.fold(move, true);
    }
    drain(this.settling(summaries, true));
  }
}

/** The ids of two lists in account order, in account order, each once. */
function mergeInOrder(a: readonly string[], b: readonly string[]): string[] {
  const merged: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const order = i === a.length ? 1 : j === b.length ? -1 : compareAccountIds(a[i]!, b[j]!);
    if (order <= 0) merged.push(a[i++]!);
    if (order >= 0) merged.push(b[j++]!);
    if (order === 0) merged.pop();
  }
  return merged;
}

/** The charts of a team view over the accounts in scope, kept by retract-and-add. */
class Charts {
  readonly health = new FoldTotals(HEALTH_DISTRIBUTION, null, true);
  readonly waterfall: FoldTotals<NetArrWaterfall, unknown>;
  readonly adoption = new FoldTotals(ADOPTION_MATRIX, null, true);
  readonly funnel = new FoldTotals(PLAN_FUNNEL, null, true);

  constructor(
    readonly asOf: IsoDate,
    config: PulseConfig,
  ) {
    this.waterfall = new FoldTotals(
      netArrWaterfallFold(waterfallSpans(asOf, config.waterfallQuarters, config)),
      null,
      true,
    );
  }

  get all() {
    return [this.health, this.waterfall, this.adoption, this.funnel];
  }

  replace(before: AccountSummary | null, after: AccountSummary | null, appending = false): void {
    for (const totals of this.all) totals.replace(before, after, appending);
  }

  /** Refolds the charts that met a fraction (none do today: their sums are counts and cents). */
  refoldStale(accounts: () => readonly AccountSummary[]): void {
    for (const totals of this.all) if (totals.stale) drain(totals.refolding(accounts()));
  }
}

const noneStaged = () => ({ teamTouched: false, leaders: new Map<string, CardGroup>() });

/**
 * A team view kept current from the changes themselves (INCREMENTAL-VIEWS.md): each changed account
 * retracts its old contribution and adds its new one to the team's cards, the charts and the
 * leaderboard rows of the people who own it (before or after); a group most of whose accounts a
 * batch changes (a bulk sync) is loaded again instead. `apply` answers with the JSON Patch of what
 * changed on screen. Its state always equals `buildTeamView` over the same summaries (a property
 * test holds it to that). A change of people (moves between managers or teams) or a new day goes
 * through `rebuild`: rare, and scopes by manager chain and trend dates depend on them.
 */
export class TeamViewMaintainer {
  /** The summaries it was built from, and the changes applied since. */
  private summaries = new Map<string, AccountSummary>();
  private day: IsoDate;
  private team!: CardGroup;
  private leaderboard!: Map<string, CardGroup>;
  private current!: TeamView;
  /** What `stage` touched since the last `commit`. */
  private staged = noneStaged();

  constructor(
    readonly view: TeamViewKind,
    readonly filters: ScopeFilters,
    asOf: IsoDate,
    private readonly config: PulseConfig,
    summaries: readonly AccountSummary[],
    members: readonly TeamMember[],
  ) {
    this.day = asOf;
    this.load(summaries, members);
  }

  get asOf(): IsoDate {
    return this.day;
  }

  /** The current view (never mutated: each change makes new objects where it changed). */
  get state(): TeamView {
    return this.current;
  }

  /**
   * Applies a batch of changed summaries. Returns the operations that turn the previous state into
   * the new one (empty when nothing shown changed).
   */
  apply(changes: readonly SummaryChange[]): PatchOperation[] {
    this.stage(changes);
    return this.commit();
  }

  /**
   * Takes in part of a batch without touching `state` (the groups it may concern fold it in while
   * settling): a large batch (a bulk sync) is staged slice by slice, the caller yielding to its
   * event loop in between, then settled and committed once.
   */
  stage(changes: readonly SummaryChange[]): void {
    for (const { before, after } of changes) {
      const id = (after ?? before)?.accountId;
      if (id === undefined) continue;
      if (after) this.summaries.set(id, after);
      else this.summaries.delete(id);
    }
    for (const change of changes) {
      if (!change.before && !change.after) continue;
      this.team.stage(change);
      this.staged.teamTouched = true;
      for (const owner of leaderboardPeopleOf(this.view, change.before, change.after)) {
        const group = this.leaderboard.get(owner);
        if (!group) continue;
        group.stage(change);
        this.staged.leaders.set(owner, group);
      }
    }
  }

  /**
   * The heavy part of `commit` (folding the staged changes in, refolding totals that met a
   * fraction) in steps, without touching `state`: after a large batch the caller yields between
   * steps, so the commit itself is short. Optional: `commit` finishes whatever is left.
   */
  *settling(): Generator<void> {
    const { teamTouched, leaders } = this.staged;
    if (teamTouched) yield* this.team.settling(this.summaries);
    for (const group of leaders.values()) {
      yield* group.settling(this.summaries);
      yield;
    }
  }

  /**
   * Makes every staged change visible at once: the new `state`, and the operations that turn the
   * previous state into it (empty when nothing shown changed).
   */
  commit(): PatchOperation[] {
    drain(this.settling());
    const previous = this.current;
    const { teamTouched, leaders } = this.staged;
    this.staged = noneStaged();
    const ops: PatchOperation[] = [];
    const next: TeamView = { ...previous };
    if (teamTouched) {
      const charts = this.team.charts!;
      next.accountCount = this.team.accountCount;
      next.cards = this.changedCards(previous.cards, this.team.cards, '/cards', ops);
      next.healthDistribution = this.chart(
        previous.healthDistribution,
        charts.health,
        '/healthDistribution',
        ops,
      );
      next.netArrWaterfall = this.chart(previous.netArrWaterfall, charts.waterfall, '/netArrWaterfall', ops);
      next.adoptionMatrix = this.chart(previous.adoptionMatrix, charts.adoption, '/adoptionMatrix', ops);
      next.planFunnel = this.chart(previous.planFunnel, charts.funnel, '/planFunnel', ops);
      if (next.accountCount !== previous.accountCount) {
        ops.push({ op: 'replace', path: '/accountCount', value: next.accountCount });
      }
    }
    if (leaders.size > 0) {
      const leaderboard = { ...previous.leaderboard };
      for (const [memberId, group] of leaders) {
        const old = previous.leaderboard[memberId]!;
        const path = `/leaderboard/${pointerToken(memberId)}`;
        const entry: LeaderboardEntry = {
          member: old.member,
          accountCount: group.accountCount,
          cards: this.changedCards(old.cards, leaderboardCards(group.cards), `${path}/cards`, ops),
        };
        if (entry.accountCount !== old.accountCount) {
          ops.push({ op: 'replace', path: `${path}/accountCount`, value: entry.accountCount });
        }
        leaderboard[memberId] = entry;
      }
      next.leaderboard = leaderboard;
    }
    this.current = next;
    return ops;
  }

  /** The new cards record, keeping unchanged cards as they were; appends the ops of the changes. */
  private changedCards<Card extends object>(
    old: Record<string, Card>,
    fresh: Record<string, Card>,
    path: string,
    ops: PatchOperation[],
  ): Record<string, Card> {
    const cards: Record<string, Card> = {};
    for (const key of Object.keys(fresh)) {
      if (old[key] === fresh[key]) {
        cards[key] = old[key]!;
        continue;
      }
      const before = ops.length;
      diffJson(old[key], fresh[key], `${path}/${pointerToken(key)}`, ops, knownEdits);
      cards[key] = ops.length === before ? old[key]! : fresh[key]!;
    }
    return cards;
  }

  private chart<T>(old: T, totals: FoldTotals<T, unknown>, path: string, ops: PatchOperation[]): T {
    if (!totals.changed) return old;
    totals.changed = false;
    const fresh = totals.result()!;
    const before = ops.length;
    diffJson(old, fresh, path, ops, knownEdits);
    return ops.length === before ? old : fresh;
  }

  /**
   * Builds the view again from every summary, for new people (moves between managers or teams) or
   * a new day; returns the operations from the previous state.
   */
  rebuild(
    summaries: readonly AccountSummary[],
    members: readonly TeamMember[],
    asOf: IsoDate = this.day,
  ): PatchOperation[] {
    const previous = this.current;
    this.day = asOf;
    this.staged = noneStaged();
    this.load(summaries, members);
    const ops: PatchOperation[] = [];
    diffJson(previous, this.current, '', ops);
    return ops;
  }

  /** Builds every total from all summaries. */
  private load(summaries: readonly AccountSummary[], members: readonly TeamMember[]): void {
    const ordered = [...summaries].sort((a, b) => compareAccountIds(a.accountId, b.accountId));
    this.summaries = new Map(ordered.map((s) => [s.accountId, s]));
    const definitions = TEAM_VIEW_CARDS[this.view];
    const scopes = teamViewScopes(this.view, members, this.filters, this.asOf, this.config);
    this.team = new CardGroup(scopes.team, definitions, this.config, new Charts(this.asOf, this.config));
    this.team.load(this.summaries, ordered);
    this.leaderboard = new Map();
    const leaderboard: Record<string, LeaderboardEntry> = {};
    const candidates = leaderboardCandidates(this.view, ordered);
    for (const [id, scope] of scopes.leaderboard) {
      const group = new CardGroup(scope, definitions, this.config);
      group.load(this.summaries, candidates.get(id) ?? []);
      this.leaderboard.set(id, group);
      const member = scope.contexts[0]!.member!;
      leaderboard[id] = {
        member: { id: member.id, name: member.name, role: member.role },
        accountCount: group.accountCount,
        cards: leaderboardCards(group.cards),
      };
    }
    const charts = this.team.charts!;
    this.current = {
      view: this.view,
      filters: this.filters,
      asOf: this.asOf,
      period: fiscalQuarter(this.asOf, this.config),
      accountCount: this.team.accountCount,
      cards: this.team.cards,
      healthDistribution: charts.health.result()!,
      netArrWaterfall: charts.waterfall.result()!,
      adoptionMatrix: charts.adoption.result()!,
      planFunnel: charts.funnel.result()!,
      leaderboard,
    };
  }
}
