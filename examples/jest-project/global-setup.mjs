import { fileURLToPath } from 'node:url';
import { startPilot } from '@pilot/core';

/**
 * Runs once in Jest's main process before any test file: every service of pilot.yaml is running
 * and ready when the first test starts. If start-up fails, the error names the process, the
 * reason and its last log lines, and nothing is left running.
 *
 * Jest skips globalTeardown on Ctrl-C and on --bail; the pilot covers both: it stops its children
 * on SIGINT/SIGTERM (handleSignals, on by default), SIGKILLs them if Jest calls process.exit(),
 * and its lifeline watchdog kills them even if Jest itself is SIGKILLed.
 */
export default async function globalSetup() {
  const pilot = await startPilot(fileURLToPath(new URL('./pilot.yaml', import.meta.url)));
  // globalTeardown runs in the same process and can read what globalSetup put on globalThis.
  globalThis.__PILOT__ = pilot;
  // Test files run in other contexts: hand them what they need through the environment.
  process.env.EXAMPLE_API_URL = 'http://127.0.0.1:47311';
}
