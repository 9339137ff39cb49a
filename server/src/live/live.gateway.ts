import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { LIVE_NAMESPACE, LiveEvents, type SubscribeAck } from '@pulse/protocol';
import { type LiveNamespace, type LiveSocket, TopicHub } from './topic-hub.service.js';

/** The `/live` socket.io namespace: thin, every decision is the TopicHub's. */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, transports: ['websocket'] })
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnGatewayDisconnect<LiveSocket> {
  constructor(private readonly hub: TopicHub) {}

  afterInit(namespace: LiveNamespace): void {
    this.hub.attach(namespace);
  }

  handleDisconnect(socket: LiveSocket): void {
    this.hub.disconnect(socket);
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
