/**
 * Decides which write failures are reported: the first at once, then at most one per
 * `intervalMs` carrying the number of records dropped since the previous report, and one when
 * writing works again after unreported drops. A full disk then costs a report every interval,
 * not one per stats round.
 */
export class FailureThrottle {
  private lastReportAt: number | undefined;
  private unreported = 0;
  private failing = false;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A write of `records` records failed with `error`: the message to report now, or undefined. */
  failed(error: Error, records: number): string | undefined {
    this.failing = true;
    this.unreported += records;
    const now = this.now();
    if (this.lastReportAt !== undefined && now - this.lastReportAt < this.intervalMs) return undefined;
    const dropped = this.unreported;
    this.unreported = 0;
    this.lastReportAt = now;
    return `${error.message}; ${dropped} record${dropped === 1 ? '' : 's'} dropped (errors are reported at most once every ${this.intervalMs / 1000} s)`;
  }

  /** A write succeeded: a message if records were dropped since the last report, else undefined. */
  succeeded(): string | undefined {
    if (!this.failing) return undefined;
    this.failing = false;
    const dropped = this.unreported;
    this.unreported = 0;
    if (dropped === 0) return undefined;
    this.lastReportAt = this.now();
    return `writing again; ${dropped} more record${dropped === 1 ? ' was' : 's were'} dropped since the last report`;
  }
}
