import type { LiveErrorCode, Topic } from '@pulse/protocol';

/** What changed in one change-feed batch, as far as topics care. */
export interface TopicChangeSet {
  accountIds: ReadonlySet<string>;
  memberIds: ReadonlySet<string>;
  /** A change not tied to one account or person (e.g. a program session): may touch any topic. */
  global: boolean;
  /** ISO commit time of the newest change in the batch. */
  at: string;
}

/** Computes topic states; implemented by the views. */
export interface TopicSource {
  /** The full current state of a topic: plain JSON, lists keyed by id. */
  load(topic: Topic): Promise<unknown>;
  /** Whether the batch may change the topic's state (false only when certainly not). */
  affectedBy(topic: Topic, changes: TopicChangeSet): boolean;
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
