import { isPilotError } from '../index.js';
import { EXIT } from './exit-codes.js';

/** A command-line mistake (exit code 2), e.g. a flag value that cannot be used. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure that is not a bug, with its own message and exit code (e.g. "no pilot is running"). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/**
 * Print `error: <message>` for any thrown value and return the exit code. User errors never
 * show a stack trace; `--debug` adds one (and the cause chain) for every error.
 */
export function reportError(error: unknown, debug: boolean, write: (text: string) => void = (t) => process.stderr.write(t)): number {
  const known = isPilotError(error) || error instanceof UsageError || error instanceof CliError;
  const message = error instanceof Error ? error.message : String(error);
  write(`error: ${message}\n`);
  if (!known) write('This looks like a bug in pilot; run again with --debug and report the stack trace.\n');
  if (debug) {
    for (let current: unknown = error; current instanceof Error; current = current.cause) {
      write(`${current === error ? '' : 'caused by: '}${current.stack ?? current.message}\n`);
    }
  }
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof CliError) return error.exitCode;
  return EXIT.failure;
}
