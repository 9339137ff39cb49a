import type { EventEmitter } from 'node:events';

/** The parts of an engine.io socket the backlog reads (engine.io's events, not its public API). */
interface EngineConnection extends EventEmitter {
  transport: EventEmitter & { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

interface EnginePacket {
  data?: string | { byteLength: number };
}

/**
 * What one socket has queued but not yet handed to the kernel, whatever the event (snapshot,
 * delta, acknowledgement…): the packets in engine.io's write buffer, waiting while the websocket
 * sends earlier ones, plus the websocket's own buffer; and how long the oldest of it has waited.
 * Counted from engine.io's events as packets are queued, so reading it costs nothing per packet
 * already queued. Sizes are encoded lengths (characters of JSON ≈ bytes). Follows one transport
 * for the socket's life: the gateway allows the websocket transport only, so there is no upgrade.
 */
export class SendBacklog {
  /** Bytes in engine.io's write buffer: every packet queued since the last flush. */
  private waitingBytes = 0;
  /** When the oldest packet in the write buffer was queued. */
  private waitingSince: number | null = null;
  /** When the oldest packet handed to the websocket but not yet written out was queued. */
  private sendingSince: number | null = null;

  constructor(
    private readonly conn: EngineConnection,
    private readonly now: () => number = Date.now,
  ) {
    conn.on('packetCreate', (packet: EnginePacket) => {
      this.waitingBytes += sizeOf(packet.data);
      this.waitingSince ??= this.now();
    });
    // engine.io flushes its whole write buffer to the websocket, and only once the websocket has
    // written out the previous flush ('drain' of the transport).
    conn.on('flush', () => {
      this.waitingBytes = 0;
      this.sendingSince = this.waitingSince;
      this.waitingSince = null;
    });
    conn.transport.on('drain', () => {
      this.sendingSince = null;
    });
  }

  /** Bytes queued for the socket and not yet handed to the kernel. */
  get bytes(): number {
    return this.waitingBytes + (this.conn.transport.socket?.bufferedAmount ?? 0);
  }

  /** How long the oldest of those bytes has been waiting (0 when nothing waits). */
  get ageMs(): number {
    const since = this.sendingSince ?? this.waitingSince;
    return since === null ? 0 : this.now() - since;
  }

  /**
   * Drops the connection at once with everything queued: a graceful close would wait for the
   * queue to drain, which a socket that does not read never lets happen.
   */
  abort(): void {
    this.conn.transport.socket?.terminate?.();
  }
}

function sizeOf(data: EnginePacket['data']): number {
  if (data === undefined) return 1;
  return typeof data === 'string' ? data.length : data.byteLength;
}
