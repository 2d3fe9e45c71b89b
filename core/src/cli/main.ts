#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `pilot --version` answers from package.json alone (the bundle sits two levels below core's
// root, as dist/cli does): the command tree below loads commander and, through `run`, the engine.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${version}\n`);
} else {
  await runProgram();
}

async function runProgram(): Promise<void> {
  const [{ CommanderError }, { reportError }, { createProgram, exitCodeOf }] = await Promise.all([
    import('commander'),
    import('./cli-error.js'),
    import('./program.js'),
  ]);
  // A reader that goes away (`pilot run | head`) must not crash the pilot with EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  try {
    await createProgram().parseAsync(process.argv);
  } catch (error) {
    // Commander already printed its own message for usage errors.
    process.exitCode = error instanceof CommanderError ? exitCodeOf(error) : reportError(error, process.argv.includes('--debug'));
  }
  // Everything is stopped by now; a handle a plugin forgot must not keep the command alive.
  setTimeout(() => process.exit(), 2000).unref();
}
