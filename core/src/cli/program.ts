import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { registerControl } from './control.js';
import { registerDoctor } from './doctor.js';
import { EXIT } from './exit-codes.js';
import { registerGraph } from './graph.js';
import { registerLogs } from './logs.js';
import { examples } from './options.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

/** @pilot/core's version, from its package.json (dist/cli -> package root). */
function version(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/**
 * The `pilot` command with every subcommand. Subcommands import the engine inside their
 * actions, so that `--help`, `--version` and usage errors answer without loading it. Commander never exits by itself: parse errors are
 * thrown as CommanderError and turned into exit codes by {@link exitCodeOf}.
 */
export function createProgram(): Command {
  const program = new Command('pilot')
    .description('ProcessPilot: start processes in dependency order, wait until they are ready, keep them alive, stop whole trees')
    .version(version(), '-v, --version', 'print the version of @pilot/core')
    .option('--debug', 'show stack traces of errors')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      examples([
        ['pilot run', 'run ./pilot.yaml until Ctrl-C'],
        ['pilot validate pilot.yaml', 'check a manifest and its plugins'],
        ['pilot graph --format mermaid', 'draw the dependency graph'],
        ['pilot run -- npm test', 'start everything, run the tests once all are ready, exit with their code'],
        ['pilot doctor', 'what this machine gives the pilot (containment, limits, tools)'],
        ['pilot status', 'processes of a running pilot (control_server: http)'],
        ['pilot help run', 'every option of a command'],
      ]),
    );
  registerRun(program);
  registerValidate(program);
  registerGraph(program);
  registerSchema(program);
  registerControl(program);
  registerLogs(program);
  registerDoctor(program);
  for (const command of program.commands) {
    command.showHelpAfterError(`(run "pilot ${command.name()} --help" for its options and examples)`);
  }
  program.showHelpAfterError('(run "pilot --help" for the commands)');
  return program;
}

/** The exit code for a CommanderError: 0 for --help and --version, 2 for every usage error. */
export function exitCodeOf(error: CommanderError): number {
  return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
}
