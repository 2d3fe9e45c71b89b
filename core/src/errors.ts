/**
 * Every error code ProcessPilot raises. docs/errors.md has one row per code.
 */
export type PilotErrorCode =
  | 'PILOT_MANIFEST_NOT_FOUND'
  | 'PILOT_MANIFEST_PARSE'
  | 'PILOT_MANIFEST_INVALID'
  | 'PILOT_DEPENDENCY_CYCLE'
  | 'PILOT_UNKNOWN_NAME'
  | 'PILOT_UNKNOWN_PROCESS'
  | 'PILOT_DUPLICATE_NAME'
  | 'PILOT_EXECUTABLE_NOT_FOUND'
  | 'PILOT_WORKING_DIRECTORY_NOT_FOUND'
  | 'PILOT_SPAWN_FAILED'
  | 'PILOT_READINESS_TIMEOUT'
  | 'PILOT_READINESS_FAILED'
  | 'PILOT_EXITED_BEFORE_READY'
  | 'PILOT_DEPENDENCY_FAILED'
  | 'PILOT_ALREADY_RUNNING'
  | 'PILOT_NOT_RUNNING'
  | 'PILOT_STOPPED'
  | 'PILOT_INVALID_PID'
  | 'PILOT_PLUGIN_LOAD'
  | 'PILOT_PLUGIN_INVALID'
  | 'PILOT_PLUGIN_HOOK'
  | 'PILOT_WAIT_TIMEOUT'
  | 'PILOT_INVALID_ARGUMENT';

/** Optional details carried by a {@link PilotError}. */
export interface PilotErrorDetails {
  /** The original error. */
  cause?: unknown;
  /** Every problem found, one line each, when the error aggregates several (manifest validation). */
  problems?: readonly string[];
  /** The process the error concerns. */
  process?: string;
  /** The plugin that raised the error, if any. */
  plugin?: string;
  /** The hook whose tap failed, if any. */
  hook?: string;
  /** The last lines the process printed, for start-up failures. */
  logs?: readonly string[];
}

const PILOT_ERROR_BRAND = Symbol.for('@pilot/core/PilotError');

/**
 * The one error class of ProcessPilot: a stable `code`, a message that names subject, expectation
 * and fix, and the original error as `cause`.
 *
 * @example
 * ```ts
 * try { await pilot.start(); } catch (e) {
 *   if (e instanceof PilotError && e.code === 'PILOT_READINESS_TIMEOUT') console.error(e.logs);
 * }
 * ```
 */
export class PilotError extends Error {
  /**
   * One identity for every copy of @pilot/core in a program (an ESM and a CJS build, two
   * versions side by side): errors carry a registered-symbol brand, and `instanceof` checks it.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PILOT_ERROR_BRAND] === true;
  }

  override readonly name = 'PilotError';
  readonly code: PilotErrorCode;
  readonly problems: readonly string[];
  readonly process: string | undefined;
  readonly plugin: string | undefined;
  readonly hook: string | undefined;
  readonly logs: readonly string[];

  constructor(code: PilotErrorCode, message: string, details: PilotErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.problems = details.problems ?? [];
    this.process = details.process;
    this.plugin = details.plugin;
    this.hook = details.hook;
    this.logs = details.logs ?? [];
    Object.defineProperty(this, PILOT_ERROR_BRAND, { value: true });
  }
}

/** True when `error` is a {@link PilotError}, optionally with the given code. */
export function isPilotError(error: unknown, code?: PilotErrorCode): error is PilotError {
  return error instanceof PilotError && (code === undefined || error.code === code);
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
