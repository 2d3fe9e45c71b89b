import { closeSync, constants, fstatSync, openSync, type BigIntStats } from 'node:fs';
import { Socket } from 'node:net';

const { O_RDWR, O_NONBLOCK } = constants;

/**
 * The read end of one FIFO inode, without libuv's thread pool. A blocking open (as
 * `fs.createReadStream` does) parks a pool thread until a writer appears; four of them starve
 * every fs call. Here the FIFO is opened O_RDWR|O_NONBLOCK, which never blocks, and read
 * through a net.Socket over the fd (epoll). Holding a write end itself, the reader never sees
 * EOF when writers come and go, so it does not spin; and writers opening with O_NONBLOCK find
 * a reader at once.
 */
export class FifoReader {
  private constructor(
    private readonly dev: bigint,
    private readonly ino: bigint,
    private readonly socket: Socket,
  ) {}

  /**
   * Open the FIFO at `path`. Undefined when the path vanished or holds no FIFO by the time it
   * opens (it was just replaced: the caller looks again on the next change). Throws on other
   * errors (EACCES).
   */
  static open(path: string, onData: (chunk: Buffer) => void, onError: (error: Error) => void): FifoReader | undefined {
    let fd: number;
    try {
      fd = openSync(path, O_RDWR | O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return undefined;
      throw error;
    }
    const stats = fstatSync(fd, { bigint: true });
    if (!stats.isFIFO()) {
      closeSync(fd);
      return undefined;
    }
    const socket = new Socket({ fd, readable: true, writable: false });
    socket.on('data', onData);
    socket.on('error', onError);
    return new FifoReader(stats.dev, stats.ino, socket);
  }

  /** True when `stats` describes the FIFO this reader holds. */
  holds(stats: BigIntStats): boolean {
    return stats.dev === this.dev && stats.ino === this.ino;
  }

  /** Close the socket and with it the fd. */
  close(): void {
    this.socket.destroy();
  }
}
