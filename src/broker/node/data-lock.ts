/**
 * One broker per data directory: a `LOCK` file holds the owner's pid. A lock
 * left by a process that is gone (a `kill -9`) is taken over; one held by a
 * live process refuses the start with a clear error.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DataLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataLock {
  const path = join(dataDir, 'LOCK');
  try {
    const holder = Number(readFileSync(path, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(`data directory ${dataDir} is in use by process ${holder}`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  writeFileSync(path, String(process.pid));
  return {
    release() {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
