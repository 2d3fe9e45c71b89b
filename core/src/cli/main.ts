#!/usr/bin/env node
import { CommanderError } from 'commander';
import { reportError } from './cli-error.js';
import { createProgram, exitCodeOf } from './program.js';

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
