import { EXIT } from './exit-codes.js';

/**
 * A failure that is not a bug, with its own message and exit code: "no pilot is running" (1),
 * a flag value that cannot be used (2).
 */
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
  // By name, not instanceof: importing the engine just to print an error would slow every command.
  const known = hasPilotBrand(error) || error instanceof CliError;
  const message = error instanceof Error ? error.message : String(error);
  write(`error: ${message}\n`);
  if (!known) write('This looks like a bug in pilot; run again with --debug and report the stack trace.\n');
  if (debug) {
    for (let current: unknown = error; current instanceof Error; current = current.cause) {
      write(`${current === error ? '' : 'caused by: '}${current.stack ?? current.message}\n`);
    }
  }
  if (error instanceof CliError) return error.exitCode;
  return EXIT.failure;
}

/** A PilotError from any copy of core, told by its registered brand (no import of the engine: --help stays light). */
function hasPilotBrand(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[Symbol.for('@pilot/core/PilotError')] === true;
}
