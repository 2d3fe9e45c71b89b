import type { LogLine } from './output.js';

/**
 * The lines an error message shows: the last `count` lines of stderr when the process wrote
 * any (that is where failures go), else the last `count` of everything.
 */
export function lastLines(lines: readonly LogLine[], count = 10): LogLine[] {
  const stderr = lines.filter((line) => line.stream === 'stderr');
  return (stderr.length > 0 ? stderr : lines).slice(-count);
}
