/** A terminal stream we may draw on. */
export interface TerminalStream {
  write(text: string): boolean;
  /** 'drain' after write() returned false. */
  once?(event: 'drain', listener: () => void): unknown;
  columns?: number;
}

const ERASE = '\r\x1b[2K';
const TICK_MS = 100;

/**
 * The live line at the bottom of a terminal that says what `pilot run` is waiting for
 * (`waiting for api (tcp) 1.2 s`). Every output line is written through {@link write}, which
 * erases the status line, prints the line and draws the status again, so they never mix.
 */
export class StatusLine {
  private readonly waiting = new Map<string, { since: number; what: string | null }>();
  private shown = false;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly out: TerminalStream) {}

  /** Write whole lines above the status line; false when the terminal wants a 'drain' first. */
  write(text: string): boolean {
    return this.out.write(this.erase() + text + this.render());
  }

  /** `process` is now waiting for readiness (`what` is the strategy, if any). */
  startWaiting(process: string, what: string | null): void {
    this.waiting.set(process, { since: performance.now(), what });
    // The ticker only redraws; it must never keep the command alive on its own.
    this.ticker ??= setInterval(() => this.out.write(this.erase() + this.render()), TICK_MS).unref();
    this.out.write(this.erase() + this.render());
  }

  /** `process` is no longer waiting (ready, exited, failed or stopping). */
  stopWaiting(process: string): void {
    if (!this.waiting.delete(process)) return;
    if (this.waiting.size === 0) this.close();
    else this.out.write(this.erase() + this.render());
  }

  /** Remove the status line for good. */
  close(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.waiting.clear();
    if (this.shown) this.out.write(this.erase());
  }

  private erase(): string {
    if (!this.shown) return '';
    this.shown = false;
    return ERASE;
  }

  private render(): string {
    if (this.waiting.size === 0) return '';
    const now = performance.now();
    const parts = [...this.waiting].map(([name, { since, what }]) => `${name}${what ? ` (${what})` : ''} ${((now - since) / 1000).toFixed(1)} s`);
    const text = `waiting for ${parts.join(', ')}`;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    this.shown = true;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }
}
