import { spawn, type ChildProcess } from 'node:child_process';
import { PilotError } from '../errors.js';
import { checkDirectory, checkExecutable } from '../manifest/executable.js';
import { LineSplitter, type LogLine, type OutputStream } from './output.js';
import type { ExitInfo } from './state.js';

/** What to spawn; the `beforeSpawn` waterfall may rewrite it. */
export interface SpawnRequest {
  /** Executable (absolute), or a command line when `shell` is true. */
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child. */
  env: Record<string, string>;
  /** Run through `/bin/sh -c`. */
  shell: boolean;
  /** CPU ids to pin the process to (Linux, via taskset which execs in place: the pid stays). */
  affinity: number[] | undefined;
}

/** A spawned child: its pid, its exit, and the end of its output. */
export interface SpawnedChild {
  pid: number;
  child: ChildProcess;
  /** Resolves on the 'exit' event (not 'close': a grandchild may hold the pipes for ever). */
  exited: Promise<ExitInfo>;
  /** Resolves when both pipes reached EOF: every line the process printed has been read. */
  outputDone: Promise<void>;
}

/**
 * Spawn `request` as the leader of a new process group, reading stdout and stderr line by line
 * (always read: an unread pipe blocks the child). Rejects with a message that says what is
 * wrong (missing working directory, missing or non-executable file) instead of "spawn ENOENT".
 */
export function spawnChild(name: string, request: SpawnRequest, onLine: (line: LogLine) => void): Promise<SpawnedChild> {
  let file = request.shell ? '/bin/sh' : request.command;
  let args = request.shell ? ['-c', [request.command, ...request.args].join(' ')] : request.args;
  if (request.affinity && request.affinity.length > 0 && process.platform === 'linux') {
    args = ['-c', request.affinity.join(','), file, ...args];
    file = 'taskset';
  }
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: request.cwd, env: request.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      // Some failures (ENOTDIR, an invalid env value) throw synchronously instead of emitting 'error'.
      return reject(explainSpawnError(name, request, error as NodeJS.ErrnoException));
    }
    const exited = new Promise<ExitInfo>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
    child.once('error', (error) => {
      if (child.pid === undefined) reject(explainSpawnError(name, request, error));
    });
    child.once('spawn', () => {
      const outputDone = Promise.all([read(child, 'stdout', onLine), read(child, 'stderr', onLine)]).then(() => undefined);
      resolve({ pid: child.pid!, child, exited, outputDone });
    });
  });
}

/** Read one pipe line by line; resolves at EOF (or a pipe error) after the last line. */
function read(child: ChildProcess, stream: OutputStream, onLine: (line: LogLine) => void): Promise<void> {
  const pipe = child[stream]!;
  const splitter = new LineSplitter((text) => onLine({ stream, text, time: Date.now() }));
  pipe.on('data', (chunk: Buffer) => splitter.push(chunk));
  return new Promise((resolve) => {
    const finish = () => {
      splitter.end();
      resolve();
    };
    pipe.once('end', finish);
    pipe.once('error', finish);
  });
}

function explainSpawnError(name: string, request: SpawnRequest, error: NodeJS.ErrnoException): PilotError {
  const directoryProblem = checkDirectory(request.cwd);
  if (directoryProblem) {
    return new PilotError(
      'PILOT_WORKING_DIRECTORY_NOT_FOUND',
      `process "${name}": working directory ${request.cwd} ${directoryProblem}; create it or fix working_directory`,
      { cause: error, process: name },
    );
  }
  const fileProblem = request.shell ? undefined : checkExecutable(request.command);
  if (fileProblem) {
    return new PilotError('PILOT_EXECUTABLE_NOT_FOUND', `process "${name}": executable ${request.command} ${fileProblem}`, {
      cause: error,
      process: name,
    });
  }
  return new PilotError(
    'PILOT_SPAWN_FAILED',
    `process "${name}": cannot start ${request.command} (${error.code ?? error.message}); check its shebang line and permissions`,
    { cause: error, process: name },
  );
}
