/**
 * A time bound over several awaits: `bound(work)` waits for `work` only until the deadline,
 * which runs `onPassed` once. After the deadline nothing more is waited for.
 */
export class Deadline {
  passed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly reached: Promise<void>;
  private resolveReached!: () => void;

  constructor(ms: number, onPassed: () => void) {
    this.reached = new Promise((resolve) => (this.resolveReached = resolve));
    this.timer = setTimeout(() => {
      this.passed = true;
      onPassed();
      this.resolveReached();
    }, ms);
  }

  /** Wait for `work` (its failure ignored) or the deadline, whichever comes first. */
  async bound(work: Promise<unknown> | undefined): Promise<void> {
    if (this.passed || work === undefined) return;
    await Promise.race([work.then(() => undefined, () => undefined), this.reached]);
  }

  /** Cancel the timer (the bound was kept). */
  clear(): void {
    clearTimeout(this.timer);
  }
}
