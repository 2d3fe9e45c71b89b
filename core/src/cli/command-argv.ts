import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

/** The operands of `pilot run [manifest] -- <command...>`, split at the first `--`. */
export interface RunOperands {
  manifest: string | undefined;
  /** The command after `--`; undefined when there is no `--`. */
  command: string[] | undefined;
}

/**
 * Split commander's operands at the `--` of the raw command line. Commander drops the `--`
 * itself, so the operands after it are counted from `rawArgs` (the first `--` is ours: a later
 * one belongs to the command, `pilot run -- npm test -- --watch`).
 */
export function splitOperands(operands: readonly string[], rawArgs: readonly string[]): RunOperands {
  const dash = rawArgs.indexOf('--');
  const after = dash === -1 ? 0 : rawArgs.length - dash - 1;
  const before = operands.slice(0, operands.length - after);
  if (before.length > 1) {
    throw new CliError(`pilot run takes one manifest, got ${before.map((value) => `"${value}"`).join(', ')}; to run a command once everything is ready, put it after --: pilot run ${before[0]} -- ${before.slice(1).join(' ')}`, EXIT.usage);
  }
  if (dash !== -1 && after === 0) throw new CliError('nothing after --: give the command to run once everything is ready, e.g. pilot run -- npm test', EXIT.usage);
  return { manifest: before[0], command: dash === -1 ? undefined : operands.slice(operands.length - after) };
}
