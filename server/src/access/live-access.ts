import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { LiveError, Topic } from '@pulse/protocol';
import type { Socket } from 'socket.io';
import type { LiveAuthority } from '../live/live-authority.js';
import { AccessService } from './access.service.js';
import type { Caller } from './caller.js';
import { ScopeService } from './scope.service.js';

/** How often open sockets' sessions and tokens are checked: a revoked wall is cut within this. */
export const LIVE_RECHECK_MS = 2_000;

/**
 * The live socket's side of access: a socket is admitted with a session cookie or a handshake
 * `auth.token`, each subscribe is checked against the caller's scope, and sockets whose session
 * or token ends are disconnected — at once when revoked through this process, otherwise at the
 * next check (every LIVE_RECHECK_MS, one query for all open sockets).
 */
@Injectable()
export class LiveAccess implements LiveAuthority, OnModuleDestroy {
  private readonly logger = new Logger(LiveAccess.name);
  private readonly callers = new Map<Socket, Caller>();
  private readonly recheck: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly access: AccessService,
    private readonly scope: ScopeService,
  ) {
    this.recheck = setInterval(() => void this.disconnectEnded(), LIVE_RECHECK_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.recheck);
  }

  async admit(socket: Socket): Promise<LiveError | null> {
    const caller = await this.access.authenticate({
      cookie: socket.handshake.headers.cookie,
      authorization: socket.handshake.headers.authorization,
      token: (socket.handshake.auth as { token?: unknown } | undefined)?.token,
    });
    if (!caller) {
      return { code: 'unauthorized', message: 'sign in, or pass a token as the handshake auth.token' };
    }
    this.callers.set(socket, caller);
    return null;
  }

  refuse(socket: Socket, topic: Topic): LiveError | null {
    const caller = this.callers.get(socket);
    if (!caller) return { code: 'unauthorized', message: 'this socket is not signed in' };
    return this.scope.refuseTopic(caller, topic);
  }

  release(socket: Socket): void {
    this.callers.delete(socket);
  }

  /** Disconnects every socket opened with this token (or a display session made from it). */
  disconnectToken(tokenId: string): void {
    for (const [socket, caller] of this.callers) {
      if (caller.tokenId === tokenId) this.cut(socket, 'its token was revoked');
    }
  }

  private cut(socket: Socket, reason: string): void {
    this.callers.delete(socket);
    this.logger.log(`disconnecting live socket ${socket.id}: ${reason}`);
    socket.disconnect(true);
  }

  private async disconnectEnded(): Promise<void> {
    if (this.checking || this.callers.size === 0) return;
    this.checking = true;
    try {
      const ended = await this.access.ended([...new Set(this.callers.values())]);
      if (ended.size === 0) return;
      for (const [socket, caller] of this.callers) {
        if (ended.has(caller)) this.cut(socket, 'its session or token ended');
      }
    } catch (error) {
      this.logger.error('checking open sockets’ sessions failed', error);
    } finally {
      this.checking = false;
    }
  }
}
