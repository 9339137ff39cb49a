import { Inject, Logger, Optional } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { LIVE_NAMESPACE, LiveEvents, type SubscribeAck } from '@pulse/protocol';
import { LIVE_CONFIG, type LiveConfig } from './live.config.js';
import { LIVE_AUTHORITY, type LiveAuthority } from './live-authority.js';
import { originGuard, unavailableWhile } from './origin-guard.js';
import { type LiveNamespace, type LiveSocket, TopicHub } from './topic-hub.service.js';
import { TOPIC_RELAY, type TopicRelay } from './topic-relay.js';

/** The `/live` socket.io namespace: thin, every decision is the TopicHub's. */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, transports: ['websocket'] })
export class LiveGateway
  implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket>, OnGatewayDisconnect<LiveSocket>
{
  private readonly logger = new Logger(LiveGateway.name);

  constructor(
    private readonly hub: TopicHub,
    @Inject(LIVE_CONFIG) private readonly config: LiveConfig,
    @Inject(LIVE_AUTHORITY) private readonly authority: LiveAuthority,
    @Optional() @Inject(TOPIC_RELAY) private readonly relay: TopicRelay | null = null,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    // Before the websocket upgrade: a refused page never gets a socket.
    namespace.server.engine.use(
      originGuard(this.config.allowedOrigins, (origin) =>
        this.logger.warn(`refused a live socket from origin ${origin}`),
      ),
    );
    // Clustered, a process cut off from the others sends clients elsewhere (they keep retrying).
    const relay = this.relay;
    if (relay)
      namespace.server.engine.use(unavailableWhile(() => !relay.ready, 'the live stream is reconnecting'));
    // Before the socket joins: without a session or token it gets `connect_error` 'unauthorized'.
    namespace.use((socket, next) => {
      this.authority.admit(socket).then(
        (refusal) => {
          if (!refusal) return next();
          const error = new Error(refusal.code) as Error & { data?: unknown };
          error.data = refusal;
          next(error);
        },
        (error: unknown) => {
          this.logger.error('checking a live socket’s credentials failed', error);
          next(new Error('internal'));
        },
      );
    });
    this.hub.attach(namespace);
  }

  handleConnection(socket: LiveSocket): void {
    // Admitted: the handshake keeps the headers it needs; the HTTP request object itself (its raw
    // headers, stream state and TCP handle references) would otherwise stay with every idle socket.
    (socket.conn as { request: unknown }).request = null;
    this.hub.connect(socket);
  }

  handleDisconnect(socket: LiveSocket): void {
    this.hub.disconnect(socket);
    this.authority.release(socket);
  }

  /** The returned value is the acknowledgement. */
  @SubscribeMessage(LiveEvents.subscribe)
  subscribe(@MessageBody() payload: unknown, @ConnectedSocket() socket: LiveSocket): Promise<SubscribeAck> {
    return this.hub.subscribe(socket, payload);
  }

  @SubscribeMessage(LiveEvents.unsubscribe)
  unsubscribe(@MessageBody() payload: unknown, @ConnectedSocket() socket: LiveSocket): void {
    this.hub.unsubscribe(socket, payload);
  }
}
