import { definePlugin, type ReadinessStrategy } from '../../src/index.js';

/**
 * A readiness strategy the test controls: a process is ready when the test opens its gate
 * (`gates.open('db')`), so tests of ordering and races decide the moment, not a timer. Each
 * gate serves one readiness wait: the next spawn of the same process waits for a new `open`.
 */
export class Gates {
  private readonly pending = new Map<string, { promise: Promise<void>; open: () => void }>();
  /** Names in the order their readiness wait began. */
  readonly waiting: string[] = [];

  private gate(name: string) {
    let entry = this.pending.get(name);
    if (!entry) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      entry = { promise, open };
      this.pending.set(name, entry);
    }
    return entry;
  }

  /** Let `name` become ready (now, or as soon as its wait begins). */
  open(name: string): void {
    this.gate(name).open();
  }

  /** The plugin registering the `gate` strategy. */
  plugin() {
    const strategy: ReadinessStrategy = {
      name: 'gate',
      wait: (context) => {
        this.waiting.push(context.process);
        const gate = this.gate(context.process);
        const done = () => this.pending.delete(context.process);
        return new Promise<void>((resolve, reject) => {
          void gate.promise.then(() => {
            done();
            resolve();
          });
          context.signal.addEventListener('abort', () => {
            done();
            reject(context.signal.reason);
          }, { once: true });
        });
      },
    };
    return definePlugin({ name: 'test-gates', apply: (pilot) => pilot.readiness.register(strategy) });
  }
}
