import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/database/create-database.js';
import { DataDirLock, DataDirLockedError, LOCK_FILE_NAME } from '../../src/database/data-dir-lock.js';

describe('data directory lock', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-lock-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second opener of the same directory, naming the directory and the holder', async () => {
    const first = await createDatabase({ databaseUrl: null, dataDir });
    try {
      const second = createDatabase({ databaseUrl: null, dataDir });
      await expect(second).rejects.toThrow(DataDirLockedError);
      await expect(second).rejects.toThrow(`${dataDir} is in use by process ${process.pid}`);
    } finally {
      await first.close();
    }
    // Released on close: the directory opens again, with its data.
    const again = await createDatabase({ databaseUrl: null, dataDir });
    await again.close();
  }, 60_000);

  it('refuses while another process holds the lock, and takes a stale lock over once it is gone', async () => {
    const script = `
      const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
      fs.writeFileSync(path.join(${JSON.stringify(dataDir)}, ${JSON.stringify(LOCK_FILE_NAME)}),
        JSON.stringify({ pid: process.pid, host: os.hostname() }));
      console.log('locked');
      setInterval(() => {}, 1000);`;
    child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child!.stdout!.once('data', () => resolve()));

    expect(() => DataDirLock.acquire(dataDir)).toThrow(`in use by process ${child.pid}`);

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const lock = DataDirLock.acquire(dataDir);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8'))).toEqual({ pid: process.pid, host: os.hostname() });
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it('does not take over a lock held by a process on another host', () => {
    fs.writeFileSync(
      path.join(dataDir, LOCK_FILE_NAME),
      JSON.stringify({ pid: 1, host: 'elsewhere.example' }),
    );
    expect(() => DataDirLock.acquire(dataDir)).toThrow('in use by process 1 on elsewhere.example');
  });
});
