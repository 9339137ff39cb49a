import type { LiveErrorCode, PatchOperation, Topic } from '@pulse/protocol';

/** What changed in one change-feed batch, as far as topics care. */
export interface TopicChangeSet {
  accountIds: ReadonlySet<string>;
  memberIds: ReadonlySet<string>;
  /** A change not tied to one account or person (e.g. a program session): may touch any topic. */
  global: boolean;
  /** ISO commit time of the newest change in the batch. */
  at: string;
}

/** A topic kept incrementally: its new state, and the operations that lead there. */
export interface TopicUpdate {
  /** Plain JSON, never mutated afterwards (the hub publishes it as is). */
  state: unknown;
  /** JSON Patch from the state last handed out (by `load` or `takeUpdate`); empty when unchanged. */
  ops: PatchOperation[];
}

/** Computes topic states; implemented by the views. */
export interface TopicSource {
  /**
   * The full current state of a topic, lists keyed by id: plain JSON (strings, not Dates; no
   * undefined members) never mutated afterwards, since the hub publishes it as built.
   */
  load(topic: Topic): Promise<unknown>;
  /** Whether the batch may change the topic's state (false only when certainly not). */
  affectedBy(topic: Topic, changes: TopicChangeSet): boolean;
  /**
   * For topics the source keeps incrementally: the update since the last `load` or `takeUpdate`,
   * so the hub neither reloads nor diffs. Null when the topic is not kept so.
   */
  takeUpdate?(topic: Topic): TopicUpdate | null;
  /** The hub stopped streaming the topic: the source may forget what it kept for it. */
  release?(topic: Topic): void;
}

/** Injection token of the TopicSource (provided by the views module). */
export const TOPIC_SOURCE = Symbol('TOPIC_SOURCE');

/** Throw from TopicSource.load to refuse a subscription with a specific code. */
export class TopicLoadError extends Error {
  constructor(
    readonly code: Exclude<LiveErrorCode, 'invalid_payload' | 'internal'>,
    message: string,
  ) {
    super(message);
    this.name = 'TopicLoadError';
  }
}
