import { LiveClient } from '@pulse/protocol';

let instance: LiveClient | null = null;

/**
 * The app's single live client (one websocket to the server's '/live' namespace, same origin;
 * `pnpm dev` proxies /socket.io). It resubscribes every topic from its position on reconnect.
 */
export function getLiveClient(): LiveClient {
  instance ??= LiveClient.connect(window.location.origin);
  return instance;
}

/** Replaces the client before the app uses it: component tests pass one over a fake socket. */
export function setLiveClient(client: LiveClient): void {
  instance = client;
}
