/**
 * A FIFO lock over PGlite's single backend. A waiter that times out leaves the queue without ever
 * running, so a stuck transaction surfaces as an error instead of a silent hang.
 */
export class ConnectionLock {
  #held = false;
  readonly #waiters: Array<{ grant: () => void }> = [];

  constructor(private readonly timeoutMs: number) {}

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(
          new Error(
            `PGlite connection busy for more than ${this.timeoutMs} ms: a transaction is still open. ` +
              'Inside db.transaction() use the transaction object, not the outer db.',
          ),
        );
      }, this.timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next.grant();
    else this.#held = false;
  }
}
