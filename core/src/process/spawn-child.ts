import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { PilotError } from '../errors.js';
import { checkDirectory, checkExecutable } from '../manifest/executable.js';
import { LineSplitter, deliver, type LineSink, type OutputStream } from './output.js';
import { closeEnds, pipePool, type PipeEnds } from './pipe-pool.js';
import { describeErrno, isFileError } from './spawn-errors.js';
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
 * (always read: an unread pipe blocks the child); the lines of each read chunk go to `onLine`
 * in one call when it takes batches ({@link LineSink}). stdout and stderr are real pipes (see
 * {@link PipePool}), so a child may open /dev/stdout. Rejects with a message that says what is
 * wrong (missing working directory, missing or non-executable file, `spawn failed: EMFILE (too
 * many open files)`) instead of "spawn ENOENT". `launcher` (an executor's wrapper that execs its
 * last arguments in place, so the pid stays) goes before the command: e.g. a shell that moves
 * itself into a cgroup first.
 */
export async function spawnChild(name: string, request: SpawnRequest, onLine: LineSink, launcher?: string[]): Promise<SpawnedChild> {
  const [file, args] = commandLine(request, launcher);
  let pipes: [PipeEnds, PipeEnds] | undefined;
  try {
    pipes = await takePipes();
  } catch (error) {
    throw explainSpawnError(name, request, error as NodeJS.ErrnoException);
  }
  const stdio: StdioOptions = pipes ? ['ignore', pipes[0].writeFd, pipes[1].writeFd] : ['ignore', 'pipe', 'pipe'];
  let child: ChildProcess;
  try {
    child = spawn(file, args, { cwd: request.cwd, env: request.env, detached: true, stdio });
  } catch (error) {
    // Some failures (ENOTDIR, an invalid env value) throw synchronously instead of emitting 'error'.
    if (pipes) pipes.forEach(closeEnds);
    throw explainSpawnError(name, request, error as NodeJS.ErrnoException);
  }
  // The child has its copies now; ours must go, or EOF would never come.
  if (pipes) for (const ends of pipes) closeSync(ends.writeFd);
  const streams: [Readable, Readable] = pipes ? [readerOf(pipes[0]), readerOf(pipes[1])] : [child.stdout!, child.stderr!];
  return started(name, request, child, streams, onLine);
}

function started(name: string, request: SpawnRequest, child: ChildProcess, streams: [Readable, Readable], onLine: LineSink): Promise<SpawnedChild> {
  return new Promise((resolve, reject) => {
    const exited = new Promise<ExitInfo>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
    child.once('error', (error) => {
      if (child.pid !== undefined) return;
      for (const stream of streams) stream.destroy();
      reject(explainSpawnError(name, request, error));
    });
    child.once('spawn', () => {
      const outputDone = Promise.all([read(streams[0], 'stdout', onLine), read(streams[1], 'stderr', onLine)]).then(() => undefined);
      resolve({ pid: child.pid!, child, exited, outputDone });
    });
  });
}

/** The argv to exec: through `/bin/sh -c` when asked, under taskset for an affinity. */
function commandLine(request: SpawnRequest, launcher: string[] | undefined): [string, string[]] {
  let file = request.shell ? '/bin/sh' : request.command;
  let args = request.shell ? ['-c', [request.command, ...request.args].join(' ')] : request.args;
  if (request.affinity && request.affinity.length > 0 && process.platform === 'linux') {
    args = ['-c', request.affinity.join(','), file, ...args];
    file = 'taskset';
  }
  if (launcher && launcher.length > 0) {
    args = [...launcher.slice(1), file, ...args];
    file = launcher[0]!;
  }
  return [file, args];
}

/** Two real pipes (stdout, stderr), or undefined where FIFOs cannot be made. */
async function takePipes(): Promise<[PipeEnds, PipeEnds] | undefined> {
  const [out, err] = await Promise.allSettled([pipePool.take(), pipePool.take()]);
  const pipes = [out, err].flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
  const failure = [out, err].find((result) => result.status === 'rejected');
  if (failure || pipes.length < 2) {
    pipes.forEach(closeEnds);
    if (failure) throw failure.reason;
    return undefined;
  }
  return [pipes[0]!, pipes[1]!];
}

/** The read end as a stream: a net.Socket over the fd, so reads go through epoll. */
function readerOf(ends: PipeEnds): Readable {
  return new Socket({ fd: ends.readFd, readable: true, writable: false });
}

/** Read one pipe line by line; resolves at EOF (or a pipe error) after the last line. */
function read(pipe: Readable, stream: OutputStream, sink: LineSink): Promise<void> {
  // One timestamp per chunk (the splitter takes it): every line of a chunk was read at the same moment.
  const splitter = new LineSplitter(stream, (batch) => deliver(sink, batch));
  pipe.on('data', (chunk: Buffer) => splitter.push(chunk));
  return new Promise((resolve) => {
    const finish = () => {
      splitter.end();
      pipe.destroy();
      resolve();
    };
    pipe.once('end', finish);
    pipe.once('error', finish);
  });
}

function explainSpawnError(name: string, request: SpawnRequest, error: NodeJS.ErrnoException): PilotError {
  if (!isFileError(error)) {
    // Out of fds, processes or memory: nothing is wrong with the manifest; say what ran out.
    return new PilotError('PILOT_SPAWN_FAILED', `process "${name}": spawn failed: ${describeErrno(error)}`, { cause: error, process: name });
  }
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
    `process "${name}": cannot start ${request.command}: ${describeErrno(error)}; check its shebang line and permissions`,
    { cause: error, process: name },
  );
}
