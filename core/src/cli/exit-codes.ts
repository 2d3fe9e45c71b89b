import { constants } from 'node:os';

/** Exit codes of the `pilot` command; docs/cli.md has the table. */
export const EXIT = {
  /** Clean stop, or every process finished with code 0. */
  ok: 0,
  /** A user error (bad manifest, start-up failure, no pilot running) or a process failure. */
  failure: 1,
  /** Bad command line: unknown command or flag, missing or invalid argument. */
  usage: 2,
} as const;

/** The shell convention for "ended by a signal": 128 + the signal's number. */
export function signalExitCode(signal: string | null | undefined): number {
  const number = signal ? constants.signals[signal as NodeJS.Signals] : undefined;
  return number === undefined ? EXIT.failure : 128 + number;
}
