import { LiveClient } from '@pulse/protocol';
import { forgetMe, goToSignIn, loadMe } from '../api/session.js';

let instance: LiveClient | null = null;

/**
 * The app's single live client (one websocket to the server's '/live' namespace, same origin;
 * `pnpm dev` proxies /socket.io). It resubscribes every topic from its position on reconnect.
 */
export function getLiveClient(): LiveClient {
  if (instance) return instance;
  const client = LiveClient.connect(window.location.origin);
  // The socket carries the session cookie: without a session it is refused at its handshake.
  client.socket.on('connect_error', (error) => {
    if (error.message === 'unauthorized') goToSignIn();
  });
  // The server ends a socket whose session or display token was revoked (or that stopped reading):
  // sign in again when the session is gone, else reconnect.
  client.socket.on('disconnect', (reason) => {
    if (reason !== 'io server disconnect') return;
    forgetMe();
    loadMe().then(
      (me) => (me ? client.socket.connect() : goToSignIn('Your session ended.')),
      () => client.socket.connect(),
    );
  });
  instance = client;
  return instance;
}

/** Replaces the client before the app uses it: component tests pass one over a fake socket. */
export function setLiveClient(client: LiveClient): void {
  instance = client;
}
