import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';

/**
 * Nest's socket.io adapter with one plain listener per message instead of an RxJS pipeline per
 * socket. Nest's own builds about fifteen observables, subscribers and closures for every socket
 * and handler (`fromEvent` → `mergeMap` → `takeUntil(disconnect$)`), which heap snapshots put at a
 * quarter of an idle subscriber's memory; with 10,000 wall displays and team views open that is
 * the difference, and a listener does the same job: call the handler, answer its result as the
 * acknowledgement, log (never rethrow) what it throws.
 */
export class LiveSocketAdapter extends IoAdapter {
  override bindMessageHandlers(
    // The adapter's own socket.io types (its pinned copy may differ from the server's by a patch).
    socket: Parameters<IoAdapter['bindMessageHandlers']>[0],
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message, (...payload: unknown[]) => {
        const { data, ack } = this.mapPayload(payload);
        let result: Observable<unknown>;
        try {
          result = transform(callback(data, ack));
        } catch (error) {
          this.logger.error(error);
          return;
        }
        result.subscribe({
          next: (response) => {
            if (response === undefined || response === null) return;
            const event = (response as { event?: unknown }).event;
            if (typeof event === 'string') {
              socket.emit(event, (response as { data?: unknown }).data);
            } else if (!isAckHandledManually && typeof ack === 'function') {
              ack(response);
            }
          },
          error: (error: unknown) => this.logger.error(error),
        });
      });
    }
  }
}
