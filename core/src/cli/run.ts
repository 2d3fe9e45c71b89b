import { Option, type Command } from 'commander';
import { CliError } from './cli-error.js';
import { shouldColor } from './colors.js';
import { splitOperands } from './command-argv.js';
import { EXIT } from './exit-codes.js';
import { findManifest } from './manifest-path.js';
import { collectNames, examples, parseSeconds } from './options.js';
import { COMMAND_NAME } from './run-command.js';
import { createOutput, type OutputFormat } from './run-output.js';

interface RunFlags {
  only?: string[];
  output: OutputFormat;
  color: boolean;
  stopAfter?: number;
  timestamps?: boolean;
}

const EXIT_CODES = `
Exit codes: 0 clean stop or every process finished with 0; 1 start-up failed; a shutdown_everything
process's own code; 2 usage error. With a command: the command's code (128 + n if a signal ended
it), 1 if start-up failed (the command never ran) or the pilot stopped it, 127 if it could not start.
`;

/** `pilot run [manifest] [-- command...]`: start everything and supervise it until stopped, or until the command exits. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start the processes of a manifest in dependency order, stream their output, stop them all on Ctrl-C; with -- <command...>, run that command once everything is ready and stop everything when it exits')
    .argument('[manifest]', 'manifest file (default: pilot.yaml, pilot.yml or pilot.json in the current directory)')
    .argument('[command...]', 'after --: the command to run once everything is ready (argv, no shell); pilot run exits with its exit code')
    .option('--only <names>', 'run only these processes (comma-separated, repeatable) and what they depend on', collectNames)
    .addOption(new Option('-o, --output <format>', 'pretty: prefixed, aligned lines; raw: process output as is; json: one JSON object per line').choices(['pretty', 'raw', 'json']).default('pretty'))
    .option('--no-color', 'never colour the output (NO_COLOR=1 does the same; FORCE_COLOR=1 colours piped output)')
    .option('--timestamps', 'pretty output: an HH:MM:SS.mmm column (local time the line was read) before each line')
    .option('--stop-after <seconds>', 'stop gracefully once everything has been ready for this many seconds (demos, CI)', parseSeconds)
    .addHelpText(
      'after',
      examples([
        ['pilot run', 'run ./pilot.yaml; Ctrl-C stops everything gracefully, a second Ctrl-C kills at once'],
        ['pilot run -- npm test', 'start everything, run "npm test" once all are ready, stop everything, exit with its code (CI)'],
        ['pilot run e2e.yaml --only api -- sh -c "curl -f localhost:8080/health"', 'a shell only when you write one'],
        ['pilot run examples/quickstart/pilot.yaml --only api', 'run api and the processes it depends on'],
        ['pilot run --output json | jq -c "select(.type == \\"event\\")"', 'machine-readable lines for logs and tools'],
        ['pilot run --stop-after 2 --no-color --timestamps', 'a bounded, non-interactive run for CI, with times'],
      ]) + EXIT_CODES,
    )
    .action(async (_manifest: string | undefined, _command: string[], flags: RunFlags, command: Command) => {
      const operands = splitOperands(command.args, process.argv);
      if (operands.command && flags.stopAfter !== undefined) {
        throw new CliError('--stop-after cannot be combined with a command: the run ends when the command exits', EXIT.usage);
      }
      const [{ ProcessManifest }, { runSession }] = await Promise.all([import('../index.js'), import('./run-session.js')]);
      const manifest = await ProcessManifest.fromFile(findManifest(operands.manifest));
      const names = manifest.processes.map((spec) => spec.name);
      if (operands.command && names.includes(COMMAND_NAME)) {
        throw new CliError(`a process is named "${COMMAND_NAME}", the name pilot run gives the command's output; rename that process to run a command`, EXIT.usage);
      }
      const output = createOutput({
        format: flags.output,
        color: shouldColor(process.stdout, flags.color),
        statusLine: flags.output === 'pretty' && process.stdout.isTTY === true,
        names: operands.command ? [...names, COMMAND_NAME] : names,
        stdout: process.stdout,
        stderr: process.stderr,
        timestamps: flags.timestamps === true,
      });
      process.exitCode = await runSession({
        manifest,
        output,
        only: flags.only,
        stopAfterSeconds: flags.stopAfter,
        command: operands.command && { argv: operands.command, cwd: process.cwd(), env: process.env },
        errorsOnStderr: flags.output === 'json',
      });
    });
}
