import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE_NAME = 'pulse.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly holderHost: string,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${holderPid} on ${holderHost}. ` +
        'Two processes on one PGlite directory lose writes: stop that process, or set PULSE_DATA_DIR to another ' +
        `directory (or DATABASE_URL to a Postgres server). If that process is gone, delete ${path.join(dataDir, LOCK_FILE_NAME)}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockContent {
  readonly pid: number;
  readonly host: string;
}

/** Exclusive ownership of a data directory by this process, recorded in `<dir>/pulse.lock`. */
export class DataDirLock {
  private constructor(
    private readonly file: string,
    private readonly onExit: () => void,
  ) {}

  /**
   * Takes the lock or throws {@link DataDirLockedError}. A lock left by a process that no longer
   * runs on this host is taken over.
   */
  static acquire(dataDir: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LOCK_FILE_NAME);
    const mine: LockContent = { pid: process.pid, host: os.hostname() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
        const release = () => removeIfOwned(file, mine);
        process.once('exit', release);
        return new DataDirLock(file, release);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLock(file);
      if (holder && !isStale(holder)) throw new DataDirLockedError(dataDir, holder.pid, holder.host);
      // Stale or unreadable (a crash mid-write): remove and try again.
      fs.rmSync(file, { force: true });
    }
    throw new Error(`Could not create the lock file ${file}`);
  }

  release(): void {
    process.removeListener('exit', this.onExit);
    this.onExit();
  }

  get path(): string {
    return this.file;
  }
}

function readLock(file: string): LockContent | null {
  try {
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof content.pid === 'number' && typeof content.host === 'string') {
      return { pid: content.pid, host: content.host };
    }
  } catch {
    // Missing or half-written lock file: treated as stale.
  }
  return null;
}

function isStale(holder: LockContent): boolean {
  // A process on another host cannot be checked; only the person who knows can remove its lock.
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeIfOwned(file: string, mine: LockContent): void {
  const holder = readLock(file);
  if (holder && holder.pid === mine.pid && holder.host === mine.host) fs.rmSync(file, { force: true });
}
