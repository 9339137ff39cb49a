import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  type ClientToServerEvents,
  LIVE_NAMESPACE,
  type ServerToClientEvents,
  type Topic,
  topicKey,
} from '@pulse/protocol';
import { io, type Socket } from 'socket.io-client';
import type { LiveConfig } from '../../src/live/live.config.js';
import { LiveModule } from '../../src/live/live.module.js';
import type { LiveAuthority } from '../../src/live/live-authority.js';
import { TopicHub } from '../../src/live/topic-hub.service.js';
import { type TopicChangeSet, TopicLoadError, type TopicSource } from '../../src/live/topic-source.js';

export interface AccountRow {
  name: string;
  region: 'amer' | 'emea' | 'apac' | 'pubsec';
  score: number;
  notes?: string;
}

/**
 * A tiny in-memory "database" with topic views over it: team topics list the accounts of the
 * filtered region keyed by id, account topics show one account.
 */
export class MemoryTopicSource implements TopicSource {
  readonly accounts = new Map<string, AccountRow>();
  /** Keys of every load, in order: shows what the hub recomputed. */
  readonly loads: string[] = [];
  /** While set, loads wait for it (to hold a topic in its loading phase). */
  gate: Promise<void> | null = null;
  failWith: Error | null = null;

  async load(topic: Topic): Promise<unknown> {
    this.loads.push(topicKey(topic));
    // Snapshot the data before waiting, like a query that started before later writes.
    const state = this.compute(topic);
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    return state;
  }

  affectedBy(topic: Topic, changes: TopicChangeSet): boolean {
    if (changes.global) return true;
    switch (topic.kind) {
      case 'account':
        return changes.accountIds.has(topic.accountId);
      case 'team':
        return [...changes.accountIds].some((id) => {
          const region = this.accounts.get(id)?.region;
          return topic.filters.region === undefined || region === topic.filters.region;
        });
      default:
        return false;
    }
  }

  /** The state a fresh load would give now. */
  compute(topic: Topic): unknown {
    switch (topic.kind) {
      case 'account': {
        const account = this.accounts.get(topic.accountId);
        if (!account) throw new TopicLoadError('not_found', `no account ${topic.accountId}`);
        return { account: { id: topic.accountId, ...account } };
      }
      case 'team': {
        const rows = [...this.accounts].filter(
          ([, a]) => topic.filters.region === undefined || a.region === topic.filters.region,
        );
        return { accounts: Object.fromEntries(rows.map(([id, a]) => [id, { ...a }])) };
      }
      default:
        return {};
    }
  }

  /** Writes an account and returns the change set the feed would report. */
  write(id: string, row: AccountRow): TopicChangeSet {
    this.accounts.set(id, row);
    return { accountIds: new Set([id]), memberIds: new Set(), global: false, at: new Date().toISOString() };
  }
}

export const SOURCE = Symbol('MemoryTopicSource');
const AUTHORITY = Symbol('OpenAuthority');

/**
 * The memory server has no people or sessions: every socket is admitted and may watch every
 * topic. Who may watch what is the app's LiveAccess, tested on the whole server (access tests).
 */
export const OPEN_AUTHORITY: LiveAuthority = {
  admit: async () => null,
  refuse: () => null,
  release: () => {},
};

export interface LiveServer {
  app: INestApplication;
  hub: TopicHub;
  url: string;
  close(): Promise<void>;
}

export async function startLiveServer(
  source: TopicSource,
  config: Partial<LiveConfig> = {},
): Promise<LiveServer> {
  @Module({
    providers: [
      { provide: SOURCE, useValue: source },
      { provide: AUTHORITY, useValue: OPEN_AUTHORITY },
    ],
    exports: [SOURCE, AUTHORITY],
  })
  class MemorySourceModule {}
  const live: DynamicModule = LiveModule.forRoot({
    imports: [MemorySourceModule],
    topicSource: SOURCE,
    authority: AUTHORITY,
    config,
  });
  const moduleRef = await Test.createTestingModule({ imports: [live] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['fatal'] });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, hub: app.get(TopicHub), url, close: () => app.close() };
}

export type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A bare socket on `/live` that records every envelope it receives. */
export function rawSocket(url: string): { socket: RawSocket; received: Array<[string, unknown]> } {
  const socket: RawSocket = io(`${url}${LIVE_NAMESPACE}`, { transports: ['websocket'], forceNew: true });
  const received: Array<[string, unknown]> = [];
  socket.onAny((event: string, payload: unknown) => received.push([event, payload]));
  return { socket, received };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
