import { execFile } from 'node:child_process';

/**
 * Create a FIFO at `path`, mode 0600. Node has no mkfifo(3) binding, so this runs coreutils'
 * `mkfifo` (argv, no shell); the helper is killed if `signal` aborts or it takes over 10 s.
 */
export function makeFifo(path: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('mkfifo', ['-m', '600', '--', path], { signal, timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const reason = missing ? 'the mkfifo command (coreutils) is not on PATH' : stderr.trim() || error.message;
      reject(new Error(reason, { cause: error }));
    });
  });
}
