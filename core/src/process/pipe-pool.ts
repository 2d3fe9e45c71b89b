import { execFile } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Both ends of one real pipe (a FIFO already unlinked): ours to read, the child's to write. */
export interface PipeEnds {
  /** O_RDONLY|O_NONBLOCK: read through a net.Socket (epoll, no thread-pool thread). */
  readFd: number;
  /** O_WRONLY, blocking: the child's stdout or stderr exactly as a shell pipe would be. */
  writeFd: number;
}

/** FIFOs kept ready beyond what waiting spawns asked for (2 per spawn; 2 fds each). */
const SPARE = 16;

/**
 * Real pipes for children's stdout and stderr. Node gives children socketpairs (`stdio: 'pipe'`),
 * on which `open("/dev/stdout")` fails with ENXIO, and has no pipe(2) binding; a FIFO opened at
 * both ends and then unlinked is a pipe. FIFOs are made by the `mkfifo` command in batches, off
 * the spawn path: each refill costs one short process for all spawns asked for in that turn of
 * the event loop plus {@link SPARE}, in a private 0700 directory removed at once. Every fd is
 * opened close-on-exec (libuv), so no other child inherits another one's pipe.
 */
export class PipePool {
  private readonly spare: PipeEnds[] = [];
  private waiters: Array<{ resolve: (ends: PipeEnds | undefined) => void; reject: (error: unknown) => void }> = [];
  private filling = false;
  /** False once `mkfifo` turned out to be missing: children then get Node's socketpairs. */
  private available = true;

  /** One pipe, or undefined when FIFOs cannot be made here (then use `stdio: 'pipe'`). */
  take(): Promise<PipeEnds | undefined> {
    if (!this.available) return Promise.resolve(undefined);
    const ends = this.spare.pop();
    if (this.spare.length < SPARE / 2) this.fill();
    if (ends) return Promise.resolve(ends);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Fds the pool holds open (for leak checks: they are not leaks). */
  heldFds(): number {
    return this.spare.length * 2;
  }

  private fill(): void {
    if (this.filling) return;
    this.filling = true;
    // On the next turn, so that every spawn asked for in this one shares one mkfifo process.
    setImmediate(() => void this.refill());
  }

  private async refill(): Promise<void> {
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.spare.push(...(await makePipes(waiters.length + SPARE)));
      for (const waiter of waiters) waiter.resolve(this.spare.pop());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as { path?: string }).path === 'mkfifo') {
        this.available = false;
        for (const waiter of waiters) waiter.resolve(undefined);
      } else {
        for (const waiter of waiters) waiter.reject(error);
      }
    } finally {
      this.filling = false;
      if (this.waiters.length > 0) this.fill();
    }
  }
}

/** `count` pipes: FIFOs made in a private directory, opened at both ends, then removed. */
async function makePipes(count: number): Promise<PipeEnds[]> {
  const directory = await mkdtemp(join(fifoDirectory(), 'pilot-pipes-'));
  try {
    const paths = Array.from({ length: count }, (_, index) => join(directory, String(index)));
    await new Promise<void>((resolve, reject) => execFile('mkfifo', ['-m', '600', ...paths], (error) => (error ? reject(error) : resolve())));
    const made: PipeEnds[] = [];
    try {
      for (const path of paths) made.push(openEnds(path));
    } catch (error) {
      for (const ends of made) closeEnds(ends);
      throw error;
    }
    return made;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Where to make the FIFOs: /dev/shm (a tmpfs: no inode is journalled) unless TMPDIR names a
 * place. On an ext4 /tmp, mkfifo of 416 FIFOs took 38-58 ms against 6 ms on /dev/shm, and the
 * first 200 spawns waited for it (bench/analysis.md, "Start of 200 children").
 */
function fifoDirectory(): string {
  if (process.env.TMPDIR) return tmpdir();
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

function openEnds(path: string): PipeEnds {
  // The reader first: opening the write end of a FIFO blocks until a reader exists.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return { readFd, writeFd: openSync(path, constants.O_WRONLY) };
  } catch (error) {
    closeSync(readFd);
    throw error;
  }
}

/** Close both ends (a pipe that will not be used). */
export function closeEnds(ends: PipeEnds): void {
  closeSync(ends.readFd);
  closeSync(ends.writeFd);
}

/** The pool every spawn of this process uses. */
export const pipePool = new PipePool();
