import { relative } from 'node:path';
import type { Colors } from './colors.js';
import type { RunEvent } from './run-events.js';

/** A duration for people: `85 ms`, `1.2 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The tail that introduces a process's last output lines in an error message (await-ready.ts). */
const LAST_OUTPUT = /;? its last output:?$/;

/**
 * The first line of a message, for a one-line event: without the "; its last output:" that
 * only makes sense followed by the lines (printed in full where the error is reported).
 */
export function headline(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.replace(LAST_OUTPUT, '').replace(/:$/, '');
}

function ending(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  return code === null ? 'no exit code' : `exit code ${code}`;
}

/**
 * The text of a pilot event for people, or undefined when it adds nothing (an exit the pilot
 * asked for is reported by `stopped`). A start-up error is printed once, in full, by `error`.
 * `name` colours a process name.
 */
export function eventText(event: RunEvent, c: Colors, name: (process: string) => string = (p) => p): string | undefined {
  switch (event.event) {
    case 'starting':
      return `starting ${event.processes.map(name).join(', ')} from ${relative(process.cwd(), event.manifest) || event.manifest}`;
    case 'containment':
      return `containment: ${event.description}`;
    case 'spawned':
      return `${name(event.process)} started (pid ${event.pid})${event.readiness ? `, waiting for ${event.readiness} readiness` : ''}`;
    case 'ready':
      return `${name(event.process)} ${c.green('ready')} in ${formatDuration(event.durationMs)}`;
    case 'all-ready':
      return c.green(`all ${event.processes.length} ${event.processes.length === 1 ? 'process' : 'processes'} ready in ${formatDuration(event.durationMs)}`);
    case 'exited':
      if (event.requested) return undefined;
      return `${name(event.process)} ${c.red(event.signal ? `was killed by ${event.signal}` : `exited with code ${event.code}`)}`;
    case 'restarting':
      // After an attempt that did not come up (spawn failed, readiness failed), say why.
      return `${name(event.process)} ${c.yellow(`restarting in ${formatDuration(event.delayMs)}`)} (attempt ${event.attempt})${event.reason ? `: ${headline(event.reason)}` : ''}`;
    case 'failed':
      // During start-up the start-up error that follows says why, with the last output lines.
      if (event.startup) return `${name(event.process)} ${c.red('failed')}`;
      return `${name(event.process)} ${c.red('failed')}: ${headline(event.reason)}`;
    case 'stopping':
      return `${name(event.process)} stopping (${event.signal})`;
    case 'stopped':
      return `${name(event.process)} stopped (${ending(event.code, event.signal)})`;
    case 'stop-all':
      return c.yellow(`stopping everything: ${event.reason}`);
    case 'kill-all':
      return c.red(`killing every process tree now: ${event.reason}`);
    case 'plugin-error':
      return c.red(`plugin error: ${event.message}`);
    case 'error':
      // The one place the error is printed in full (its last output lines follow, indented).
      return `${c.red('error:')} ${event.message}`;
    case 'exit':
      return `${event.code === 0 ? c.green('done') : c.red(`exit code ${event.code}`)}: ${headline(event.reason)}`;
  }
}
