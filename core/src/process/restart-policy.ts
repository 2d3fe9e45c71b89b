/** Backoff settings in seconds, as in the manifest's `restart_backoff`. */
export interface BackoffSettings {
  initial_delay: number;
  max_delay: number;
  multiplier: number;
  reset_after: number;
}

/** The decision after an unexpected exit under `shutdown_strategy: restart`. */
export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; reason: string };

/**
 * Exponential restart backoff with a cap, reset after a stable uptime, and an optional limit on
 * restarts in a row (after which the process is `failed`).
 */
export class RestartPolicy {
  private consecutive = 0;

  constructor(
    private readonly backoff: BackoffSettings,
    private readonly maxRestarts: number | null,
  ) {}

  /** Decide for an exit after `uptimeMs` of life. */
  next(uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.backoff.reset_after * 1000) this.consecutive = 0;
    if (this.maxRestarts !== null && this.consecutive >= this.maxRestarts) {
      return { restart: false, reason: `gave up after ${this.consecutive} restarts in a row (max_restarts: ${this.maxRestarts})` };
    }
    const delay = Math.min(this.backoff.initial_delay * this.backoff.multiplier ** this.consecutive, this.backoff.max_delay);
    this.consecutive += 1;
    return { restart: true, delayMs: Math.round(delay * 1000), attempt: this.consecutive };
  }

  /** Forget earlier failures (after a requested start or restart). */
  reset(): void {
    this.consecutive = 0;
  }
}
