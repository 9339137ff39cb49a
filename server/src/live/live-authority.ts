import type { LiveError, Topic } from '@pulse/protocol';
import type { Socket } from 'socket.io';

/**
 * Who may open the live socket and watch which topic (DESIGN.md §6), decided outside the live
 * module (the app's access module implements it). The hub asks it for every subscribe.
 */
export interface LiveAuthority {
  /** Checks a new socket's credentials (cookie, or handshake `auth.token`); an error refuses it. */
  admit(socket: Socket): Promise<LiveError | null>;
  /** Null when the socket may watch the topic; else the `forbidden` error of its subscribe. */
  refuse(socket: Socket, topic: Topic): LiveError | null;
  /** The socket is gone. */
  release(socket: Socket): void;
}

/** Injection token of the LiveAuthority. */
export const LIVE_AUTHORITY = Symbol('LIVE_AUTHORITY');
