import { Logger } from '@nestjs/common';
import {
  type AccountSummary,
  type PatchOperation,
  type PulseConfig,
  type ScopeFilters,
  type SummaryChange,
  scopePeople,
  type TeamMember,
  type TeamView,
  type TeamViewKind,
  TeamViewMaintainer,
} from '@pulse/domain';

/** A streamed team topic: its view kept incrementally, and the operations the hub has not taken yet. */
interface LiveTeamView {
  readonly key: string;
  maintainer: TeamViewMaintainer;
  ops: PatchOperation[];
  /** The index entries the topic is filed under. */
  routes: string[];
}

/** What the views need to rebuild a topic (a new day, or people changed). */
export interface TeamViewInputs {
  summaries: () => readonly AccountSummary[];
  members: readonly TeamMember[];
  asOf: string;
  config: PulseConfig;
}

const ANY = '*';

/** Changes staged into a topic between two looks at the clock (a few ms of work at most). */
const STAGE_SLICE = 64;

/** Longest run on the event loop before a large batch lets other work in (budget: p99 ≤ 50 ms). */
const TURN_MS = 15;

/** Times a turn of the event loop, to end it (setImmediate: after pending I/O) once it ran long. */
class Turn {
  private started = performance.now();

  get long(): boolean {
    return performance.now() - this.started >= TURN_MS;
  }

  async next(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}
const attributeRoute = (region: string, segment: string, tier: string) => `a:${region}|${segment}|${tier}`;
const personRoute = (id: string) => `p:${id}`;

/**
 * The team topics being streamed, each kept by a TeamViewMaintainer and computed once for all its
 * subscribers. A changed account reaches only the topics whose scope can hold it, through an index
 * (INCREMENTAL-VIEWS.md "route by an index"): topics narrowed to people are filed under each of
 * those people, the others under their region, segment and tier (or "any"). An account is routed
 * by its owners now and 12 months ago and by its attributes, before and after the change, so a
 * change costs in proportion to the topics it touches, not to how many are streamed.
 */
export class LiveTeamViews {
  private readonly logger = new Logger(LiveTeamViews.name);
  private readonly topics = new Map<string, LiveTeamView>();
  private readonly index = new Map<string, Set<LiveTeamView>>();

  /** Starts keeping a topic (or restarts its operations) and returns its state. */
  open(key: string, view: TeamViewKind, filters: ScopeFilters, inputs: TeamViewInputs): TeamView {
    let topic = this.topics.get(key);
    if (!topic || topic.maintainer.asOf !== inputs.asOf) {
      if (topic) this.unfile(topic);
      // Filters travel as JSON: keep the state free of undefined members.
      const plain = JSON.parse(JSON.stringify(filters)) as ScopeFilters;
      const maintainer = new TeamViewMaintainer(
        view,
        plain,
        inputs.asOf,
        inputs.config,
        inputs.summaries(),
        inputs.members,
      );
      topic = { key, maintainer, ops: [], routes: [] };
      this.topics.set(key, topic);
      this.file(topic, inputs.members);
    }
    topic.ops = [];
    return topic.maintainer.state;
  }

  close(key: string): void {
    const topic = this.topics.get(key);
    if (!topic) return;
    this.unfile(topic);
    this.topics.delete(key);
  }

  has(key: string): boolean {
    return this.topics.has(key);
  }

  /** Whether the topic has changes the hub has not taken. */
  hasPending(key: string): boolean {
    return (this.topics.get(key)?.ops.length ?? 0) > 0;
  }

  /** The topic's state and the operations that lead to it from the state last handed out. */
  take(key: string): { state: TeamView; ops: PatchOperation[] } | null {
    const topic = this.topics.get(key);
    if (!topic) return null;
    const ops = topic.ops;
    topic.ops = [];
    return { state: topic.maintainer.state, ops };
  }

  /**
   * Applies one batch of summary changes. With `membersChanged` every topic rebuilds (scopes by
   * manager follow people); a new day rebuilds a topic too (trend dates and periods move).
   *
   * A large batch (a bulk sync: tens of thousands of accounts) is staged into each topic slice by
   * slice and settled step by step, yielding to the event loop whenever a turn has run for TURN_MS,
   * so heartbeats and other deltas keep flowing; nothing shows until every topic has staged and
   * settled all of it, then every topic commits in the same turn: the batch reaches each screen as one step. The caller keeps topics
   * from being opened meanwhile (ViewsService runs batches and opens one at a time).
   */
  async apply(
    changes: readonly SummaryChange[],
    membersChanged: boolean,
    inputs: TeamViewInputs,
  ): Promise<void> {
    const turn = new Turn();
    if (membersChanged) {
      for (const topic of [...this.topics.values()]) {
        this.rebuild(topic, inputs);
        if (turn.long) await turn.next();
      }
      return;
    }
    const routed = new Map<LiveTeamView, SummaryChange[]>();
    for (const change of changes) {
      for (const topic of this.routesOf(change)) {
        const list = routed.get(topic);
        if (list) list.push(change);
        else routed.set(topic, [change]);
      }
      if (turn.long) await turn.next();
    }
    const failed = new Set<LiveTeamView>();
    for (const [topic, list] of routed) {
      try {
        for (let i = 0; i < list.length; i += STAGE_SLICE) {
          topic.maintainer.stage(list.slice(i, i + STAGE_SLICE));
          if (turn.long) await turn.next();
        }
      } catch (error) {
        failed.add(topic);
        this.logger.error(`keeping ${topic.key} incrementally failed; rebuilding it`, error);
      }
    }
    // The heavy part of each commit (refolds over the topic's accounts) in steps between turns, so
    // the commits below, all in one turn, only assemble states and patches.
    for (const topic of routed.keys()) {
      if (failed.has(topic)) continue;
      try {
        for (const _ of topic.maintainer.settling()) if (turn.long) await turn.next();
      } catch (error) {
        failed.add(topic);
        this.logger.error(`keeping ${topic.key} incrementally failed; rebuilding it`, error);
      }
    }
    for (const topic of routed.keys()) {
      if (failed.has(topic)) continue;
      try {
        topic.ops.push(...topic.maintainer.commit());
      } catch (error) {
        failed.add(topic);
        this.logger.error(`keeping ${topic.key} incrementally failed; rebuilding it`, error);
      }
    }
    // Rebuilding is only slower; a half-applied batch would be wrong from now on.
    for (const topic of failed) this.rebuild(topic, inputs);
    for (const topic of this.topics.values()) {
      if (topic.maintainer.asOf !== inputs.asOf) this.rebuild(topic, inputs);
    }
  }

  /** Builds the topic again from every summary; its operations are the difference. */
  private rebuild(topic: LiveTeamView, inputs: TeamViewInputs): void {
    topic.ops.push(...topic.maintainer.rebuild(inputs.summaries(), inputs.members, inputs.asOf));
    this.unfile(topic);
    this.file(topic, inputs.members);
  }

  /** The topics whose scope may hold the account before or after the change. */
  private routesOf({ before, after }: SummaryChange): Set<LiveTeamView> {
    const found = new Set<LiveTeamView>();
    for (const s of [before, after]) {
      if (!s) continue;
      for (const region of [s.region, ANY]) {
        for (const segment of [s.segment, ANY]) {
          for (const tier of [s.successTier, ANY]) {
            for (const topic of this.index.get(attributeRoute(region, segment, tier)) ?? []) found.add(topic);
          }
        }
      }
      for (const owners of [s.owners, s.ownersAt12MonthsAgo]) {
        for (const id of Object.values(owners)) {
          if (id === null) continue;
          for (const topic of this.index.get(personRoute(id)) ?? []) found.add(topic);
        }
      }
    }
    return found;
  }

  private file(topic: LiveTeamView, members: readonly TeamMember[]): void {
    const { filters } = topic.maintainer;
    const people = scopePeople(filters, members);
    topic.routes =
      people === null
        ? [attributeRoute(filters.region ?? ANY, filters.segment ?? ANY, filters.tier ?? ANY)]
        : [...people].map(personRoute);
    for (const route of topic.routes) {
      let topics = this.index.get(route);
      if (!topics) {
        topics = new Set();
        this.index.set(route, topics);
      }
      topics.add(topic);
    }
  }

  private unfile(topic: LiveTeamView): void {
    for (const route of topic.routes) {
      const topics = this.index.get(route);
      topics?.delete(topic);
      if (topics?.size === 0) this.index.delete(route);
    }
    topic.routes = [];
  }
}
