/**
 * `@pilot/core/testing`: what tests of the engine and of plugins need, kept out of the main
 * entry point so production code never loads it.
 */
export { FakeExecutor, FakeRun, type StopBehaviour } from './fake-executor.js';
export { TRANSITIONS, isTransition } from '../process/transitions.js';
export { readinessConformance, describeReadinessConformance, type ConformanceCheck, type ConformancePlace, type ConformanceProcess, type ConformanceWorld, type ReadinessConformanceSetup } from './readiness-conformance.js';
