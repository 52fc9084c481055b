import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A word two processes share without messages: an unlinked temporary file both hold open (the child inherits the
 * descriptor). The parent writes, the child reads whenever it wants, even while its event loop is busy; nothing is
 * left on disk whatever becomes of either.
 */
export class StopFile {
  /** The parent's descriptor, to hand to the child in its stdio. */
  readonly fd: number;
  private open = true;

  constructor() {
    const dir = mkdtempSync(path.join(tmpdir(), 'aristobot-stop-'));
    try {
      this.fd = openSync(path.join(dir, 'stop'), 'w+');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    this.write(0);
  }

  write(value: number): void {
    // Closed, its number may be another file's.
    if (!this.open) return;
    const word = Buffer.alloc(4);
    word.writeInt32LE(value, 0);
    writeSync(this.fd, word, 0, 4, 0);
  }

  close(): void {
    if (this.open) closeSync(this.fd);
    this.open = false;
  }
}

/** The word the parent last wrote, read on the child's side of descriptor `fd` (0 when unreadable). */
export function readStopWord(fd: number): number {
  const word = Buffer.alloc(4);
  try {
    return readSync(fd, word, 0, 4, 0) === 4 ? word.readInt32LE(0) : 0;
  } catch {
    return 0;
  }
}
