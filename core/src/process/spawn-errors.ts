import { getSystemErrorMap } from 'node:util';

/** Errnos that say something about the file or directory to run (the rest: resources ran out). */
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'EISDIR', 'ENOTDIR', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'ETXTBSY']);

/** True when `error` is about the executable or working directory, not about the machine's limits. */
export function isFileError(error: NodeJS.ErrnoException): boolean {
  return error.code === undefined || FILE_ERRORS.has(error.code);
}

/** `EMFILE (too many open files)`: the errno name with the system's text for it. */
export function describeErrno(error: NodeJS.ErrnoException): string {
  const code = error.code;
  if (code === undefined || code.startsWith('ERR_')) return error.message;
  const entry = typeof error.errno === 'number' ? getSystemErrorMap().get(error.errno) : [...getSystemErrorMap().values()].find(([name]) => name === code);
  return entry && entry[0] === code ? `${code} (${entry[1]})` : code;
}
