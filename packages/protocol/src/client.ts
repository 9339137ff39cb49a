import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  type ClientToServerEvents,
  LIVE_NAMESPACE,
  LiveEvents,
  type ServerToClientEvents,
  type SubscribeAck,
  type SubscribeRequest,
} from './events.js';
import { TopicStream } from './stream.js';
import { parseTopic } from './topics.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveClientOptions {
  /** A live topic with no delta or heartbeat for this long shows as stale (default 15 s). */
  staleAfterMs?: number;
  /** A subscribe not acknowledged within this time is sent again (default 10 s). */
  ackTimeoutMs?: number;
  /** How often staleness is checked (default 1 s). */
  checkIntervalMs?: number;
  now?: () => number;
}

interface Entry {
  stream: TopicStream<unknown>;
  holders: number;
}

/**
 * Many topic streams over one socket.io socket. Every topic is resubscribed from its position
 * when the socket (re)connects; envelopes are routed to their stream by canonical topic key.
 */
export class LiveClient {
  private readonly entries = new Map<string, Entry>();
  private readonly staleTimer: ReturnType<typeof setInterval>;
  private readonly staleAfterMs: number;
  private readonly ackTimeoutMs: number;
  private readonly now: () => number;

  /** Opens a websocket to `${baseUrl}/live`. */
  static connect(
    baseUrl: string,
    options: LiveClientOptions & { socket?: Partial<ManagerOptions & SocketOptions> } = {},
  ): LiveClient {
    const socket: LiveSocket = io(`${baseUrl.replace(/\/$/, '')}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      ...options.socket,
    });
    return new LiveClient(socket, options);
  }

  constructor(
    readonly socket: LiveSocket,
    options: LiveClientOptions = {},
  ) {
    this.staleAfterMs = options.staleAfterMs ?? 15_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    socket.on('connect', () => {
      for (const { stream } of this.entries.values()) stream.connect();
    });
    socket.on('disconnect', () => {
      for (const { stream } of this.entries.values()) stream.disconnect();
    });
    socket.on(LiveEvents.snapshot, (snapshot) =>
      this.entries.get(snapshot.topic)?.stream.receiveSnapshot(snapshot),
    );
    socket.on(LiveEvents.delta, (delta) => this.entries.get(delta.topic)?.stream.receiveDelta(delta));
    socket.on(LiveEvents.position, (position) =>
      this.entries.get(position.topic)?.stream.receivePosition(position),
    );
    this.staleTimer = setInterval(() => {
      for (const { stream } of this.entries.values()) stream.checkStale();
    }, options.checkIntervalMs ?? 1_000);
    // In Node (tests, load harness) the timer alone must not keep the process alive.
    (this.staleTimer as { unref?: () => void }).unref?.();
  }

  /**
   * The stream of a topic, shared by every caller asking for the same canonical key; release it
   * with `unsubscribe`. A malformed key gives a stream in status 'error' that never connects.
   */
  subscribe<S = unknown>(topic: string): TopicStream<S> {
    const parsed = parseTopic(topic);
    if (!parsed.ok) {
      const refused = new TopicStream<S>(
        topic,
        (_request, onAck) => onAck({ ok: false, error: parsed.error }),
        {
          staleAfterMs: this.staleAfterMs,
          now: this.now,
        },
      );
      refused.connect();
      return refused;
    }
    const existing = this.entries.get(parsed.key);
    if (existing) {
      existing.holders += 1;
      return existing.stream as TopicStream<S>;
    }
    const stream = new TopicStream<S>(parsed.key, (request, onAck) => this.sendSubscribe(request, onAck), {
      staleAfterMs: this.staleAfterMs,
      now: this.now,
    });
    this.entries.set(parsed.key, { stream: stream as TopicStream<unknown>, holders: 1 });
    if (this.socket.connected) stream.connect();
    return stream;
  }

  /** Releases one hold on a topic; the last release tells the server. */
  unsubscribe(topic: string): void {
    const parsed = parseTopic(topic);
    if (!parsed.ok) return;
    const entry = this.entries.get(parsed.key);
    if (!entry) return;
    entry.holders -= 1;
    if (entry.holders > 0) return;
    this.entries.delete(parsed.key);
    entry.stream.disconnect();
    if (this.socket.connected) this.socket.emit(LiveEvents.unsubscribe, { topic: parsed.key });
  }

  close(): void {
    clearInterval(this.staleTimer);
    for (const { stream } of this.entries.values()) stream.disconnect();
    this.entries.clear();
    this.socket.disconnect();
  }

  private sendSubscribe(request: SubscribeRequest, onAck: (ack: SubscribeAck | null) => void): void {
    // Subscribing while disconnected is pointless: the 'connect' handler subscribes every topic.
    if (!this.socket.connected) return;
    this.socket.timeout(this.ackTimeoutMs).emit(LiveEvents.subscribe, request, (err: Error | null, ack) => {
      onAck(err ? null : ack);
    });
  }
}
