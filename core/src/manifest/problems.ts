import { PilotError, type PilotErrorCode } from '../errors.js';

/** One problem found while validating, with the code it would have on its own. */
export interface Problem {
  code: PilotErrorCode;
  message: string;
}

/**
 * Throws one PilotError listing every problem. Its code is the problems' shared code, or
 * PILOT_MANIFEST_INVALID when they differ.
 */
export function throwProblems(problems: readonly Problem[], source: string | undefined): void {
  if (problems.length === 0) return;
  const codes = new Set(problems.map((problem) => problem.code));
  const code = codes.size === 1 ? [...codes][0]! : 'PILOT_MANIFEST_INVALID';
  const where = source ?? 'manifest';
  const header =
    problems.length === 1
      ? `${where} is invalid:`
      : `${where} has ${problems.length} problems:`;
  const lines = problems.map((problem) => problem.message);
  throw new PilotError(code, `${header}\n${lines.map((line) => `  - ${line}`).join('\n')}`, { problems: lines });
}
