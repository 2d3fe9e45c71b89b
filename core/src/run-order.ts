import { dependentsOf } from './graph.js';
import type { SupervisedProcess } from './process/supervised-process.js';

/**
 * Start `selected`, each as soon as all its dependencies are ready (independent processes in
 * parallel). Rejects with the first failure at once; processes whose dependencies failed, or
 * that were not started when `aborted()` turned true, are never spawned.
 */
export async function startInDependencyOrder(selected: readonly SupervisedProcess[], aborted: () => boolean): Promise<void> {
  const byName = new Map(selected.map((process) => [process.name, process]));
  const started = new Map<string, Promise<void>>();
  // Built on demand along the dependency edges, so the order of the manifest does not matter.
  const startOne = (process: SupervisedProcess): Promise<void> => {
    let promise = started.get(process.name);
    if (!promise) {
      const dependencies = process.spec.dependencies.map((name) => byName.get(name)).filter((dependency) => dependency !== undefined);
      promise = (async () => {
        await Promise.all(dependencies.map(startOne));
        // A dependency that crashed after it was ready is waited for through its restart.
        await Promise.all(dependencies.map((dependency) => dependency.whenUp()));
        if (aborted()) return;
        // Started meanwhile by startProcess(): wait until it is up instead of failing the start.
        if (process.isActive()) await process.whenUp();
        else await process.start();
      })();
      promise.catch(() => undefined);
      started.set(process.name, promise);
    }
    return promise;
  };
  await Promise.all(selected.map(startOne));
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
