import type { Operation } from 'fast-json-patch';
import type { TopicErrorCode } from './topics.js';

/** socket.io namespace of the live stream (websocket transport only). */
export const LIVE_NAMESPACE = '/live';

/**
 * Event names carry the protocol version, so a future incompatible change can be served beside
 * this one while old clients drain.
 */
export const LiveEvents = {
  subscribe: 'v1:subscribe',
  unsubscribe: 'v1:unsubscribe',
  snapshot: 'v1:snapshot',
  delta: 'v1:delta',
  position: 'v1:position',
} as const;

/** RFC 6902 JSON Patch operation. */
export type PatchOperation = Operation;

/** Where a client is in a topic's stream. */
export interface StreamPosition {
  epoch: string;
  seq: number;
}

export interface SubscribeRequest {
  topic: string;
  /** The last applied position; the server replays what follows it, or sends a snapshot. */
  since?: StreamPosition;
}

export interface UnsubscribeRequest {
  topic: string;
}

/** Full state of a topic at `seq`. `at`: ISO commit time of the newest change included. */
export interface Snapshot<S = unknown> {
  topic: string;
  epoch: string;
  seq: number;
  state: S;
  at: string;
}

/** JSON Patch turning the state at `seq - 1` into the state at `seq`. */
export interface Delta {
  topic: string;
  epoch: string;
  seq: number;
  ops: PatchOperation[];
  at: string;
}

/** Heartbeat: lets a client that silently missed a delta notice it. */
export interface Position {
  topic: string;
  epoch: string;
  seq: number;
}

export type LiveErrorCode =
  | TopicErrorCode
  /** The payload is not `{topic: string, since?: {epoch: string, seq: integer ≥ 0}}`. */
  | 'invalid_payload'
  /** The topic is well formed but names nothing (e.g. an unknown account id). */
  | 'not_found'
  /** The caller may not watch this topic (outside their scope, or not what a display is bound to). */
  | 'forbidden'
  /** No session or token: the socket is refused at its handshake (`connect_error`). */
  | 'unauthorized'
  /** The socket already holds as many subscriptions as one socket may (unsubscribe first). */
  | 'too_many_subscriptions'
  /** The server already streams as many distinct topics as it may; try again later. */
  | 'too_many_topics'
  /** The server could not load the topic. */
  | 'internal';

export interface LiveError {
  code: LiveErrorCode;
  message: string;
}

export type SubscribeAck = { ok: true } | { ok: false; error: LiveError };

export interface ClientToServerEvents {
  [LiveEvents.subscribe]: (request: SubscribeRequest, ack: (response: SubscribeAck) => void) => void;
  [LiveEvents.unsubscribe]: (request: UnsubscribeRequest) => void;
}

export interface ServerToClientEvents {
  [LiveEvents.snapshot]: (snapshot: Snapshot) => void;
  [LiveEvents.delta]: (delta: Delta) => void;
  [LiveEvents.position]: (position: Position) => void;
}

type PayloadCheck<T> = { ok: true; value: T } | { ok: false; error: LiveError };

const badPayload = (message: string): PayloadCheck<never> => ({
  ok: false,
  error: { code: 'invalid_payload', message },
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an untrusted subscribe payload (the topic key itself is checked by parseTopic). */
export function readSubscribeRequest(payload: unknown): PayloadCheck<SubscribeRequest> {
  if (!isRecord(payload)) return badPayload('subscribe payload must be an object {topic, since?}');
  const { topic, since } = payload;
  if (typeof topic !== 'string') return badPayload('topic must be a string');
  if (since === undefined || since === null) return { ok: true, value: { topic } };
  if (!isRecord(since)) return badPayload('since must be an object {epoch, seq}');
  if (typeof since.epoch !== 'string' || since.epoch === '') {
    return badPayload('since.epoch must be a non-empty string');
  }
  if (typeof since.seq !== 'number' || !Number.isSafeInteger(since.seq) || since.seq < 0) {
    return badPayload('since.seq must be a whole number ≥ 0');
  }
  return { ok: true, value: { topic, since: { epoch: since.epoch, seq: since.seq } } };
}

/** Checks an untrusted unsubscribe payload. */
export function readUnsubscribeRequest(payload: unknown): PayloadCheck<UnsubscribeRequest> {
  if (!isRecord(payload) || typeof payload.topic !== 'string') {
    return badPayload('unsubscribe payload must be an object {topic: string}');
  }
  return { ok: true, value: { topic: payload.topic } };
}
