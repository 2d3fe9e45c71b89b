import { dependentsOf } from './graph.js';
import type { SupervisedProcess } from './process/supervised-process.js';

/**
 * Start `selected`, each as soon as all its dependencies are ready (independent processes in
 * parallel). Rejects with the first failure at once; processes whose dependencies failed, or
 * that were not started when `aborted()` turned true, are never spawned.
 */
export async function startInDependencyOrder(selected: readonly SupervisedProcess[], aborted: () => boolean): Promise<void> {
  const ready = new Map<string, Promise<void>>();
  for (const process of selected) {
    const promise = (async () => {
      await Promise.all(process.spec.dependencies.map((name) => ready.get(name)));
      if (!aborted()) await process.start();
    })();
    promise.catch(() => undefined);
    ready.set(process.name, promise);
  }
  await Promise.all(ready.values());
}

/** Stop every process after all its dependents have stopped (parallel within a level). */
export async function stopInReverseOrder(processes: ReadonlyMap<string, SupervisedProcess>): Promise<void> {
  const dependents = dependentsOf([...processes.values()].map((process) => process.spec));
  const stopped = new Map<string, Promise<void>>();
  const stopOne = (name: string): Promise<void> => {
    let promise = stopped.get(name);
    if (!promise) {
      promise = Promise.all((dependents.get(name) ?? []).map(stopOne)).then(() => processes.get(name)!.stop());
      stopped.set(name, promise);
    }
    return promise;
  };
  await Promise.all([...processes.keys()].map(stopOne));
}
