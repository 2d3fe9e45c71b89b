import type { LineBatch, ProcessPilot } from '../index.js';

/**
 * What `pilot run` reports besides process output: the pilot's own events. The JSON output
 * prints them as they are (plus `type` and `time`), the other outputs render them as text.
 */
export type RunEvent =
  | { event: 'starting'; manifest: string; processes: string[] }
  | { event: 'containment'; description: string }
  | { event: 'spawned'; process: string; pid: number; readiness: string | null }
  | { event: 'ready'; process: string; durationMs: number }
  | { event: 'all-ready'; processes: string[]; durationMs: number }
  | { event: 'exited'; process: string; code: number | null; signal: string | null; requested: boolean }
  | { event: 'restarting'; process: string; delayMs: number; attempt: number; reason?: string }
  | { event: 'failed'; process: string; reason: string; /** Set by pilot run while starting: the start-up error gives the reason. */ startup?: boolean }
  | { event: 'stopping'; process: string; signal: string }
  | { event: 'stopped'; process: string; code: number | null; signal: string | null }
  | { event: 'stop-all'; reason: string }
  | { event: 'kill-all'; reason: string }
  | { event: 'plugin-error'; message: string }
  | { event: 'error'; message: string; code?: string; process?: string }
  | { event: 'exit'; code: number; reason: string };

/** Where `pilot run` sends what happens. */
export interface RunSink {
  /** The lines of one read chunk a process printed, in order. */
  lines(process: string, batch: LineBatch): void;
  /** One of the pilot's own events. */
  event(event: RunEvent): void;
}

/** Tap the pilot's hooks and forward process output and lifecycle events to `sink`. */
export function tapRunEvents(pilot: ProcessPilot, sink: RunSink): void {
  const name = 'pilot-cli';
  const { hooks } = pilot;
  // Per chunk, not per line: one call and one write for hundreds of lines.
  hooks.outputBatch.tap(name, (info, batch) => sink.lines(info.name, batch));
  hooks.spawn.tap(name, (info) =>
    sink.event({ event: 'spawned', process: info.name, pid: info.pid ?? 0, readiness: pilot.getProcessByName(info.name)?.ready_strategy ?? null }),
  );
  hooks.ready.tap(name, (info, durationMs) => sink.event({ event: 'ready', process: info.name, durationMs: Math.round(durationMs) }));
  hooks.exit.tap(name, (info, exit, requested) =>
    sink.event({ event: 'exited', process: info.name, code: exit.code, signal: exit.signal, requested }),
  );
  hooks.restart.tap(name, (info, delayMs, attempt) => sink.event({ event: 'restarting', process: info.name, delayMs, attempt, ...(info.reason ? { reason: info.reason } : {}) }));
  hooks.stateChange.tap(name, (info, _from, to) => {
    if (to === 'failed') sink.event({ event: 'failed', process: info.name, reason: info.reason ?? 'unknown reason' });
  });
  hooks.stopping.tap(name, (info) =>
    sink.event({ event: 'stopping', process: info.name, signal: pilot.getProcessByName(info.name)?.stop_signal ?? 'SIGTERM' }),
  );
  hooks.stopped.tap(name, (info) => sink.event({ event: 'stopped', process: info.name, code: info.returnCode, signal: info.signal }));
  hooks.beforeStop.tap(name, (reason) => {
    // Stops the CLI asks for are reported by the CLI itself, with their cause.
    const last = pilot.lastStop;
    if (reason === 'shutdown_everything') sink.event({ event: 'stop-all', reason: `process "${last?.process}" ended and its shutdown_strategy is shutdown_everything` });
    if (reason === 'start_failed') sink.event({ event: 'stop-all', reason: 'start-up failed' });
  });
  hooks.pluginError.tap(name, (error) => sink.event({ event: 'plugin-error', message: error.message }));
}
