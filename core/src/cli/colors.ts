import pc from 'picocolors';

/** The colour functions `pilot` uses; identity functions when colour is off. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Whether to colour output written to `stream`. `--no-color` and NO_COLOR (non-empty) always
 * win; FORCE_COLOR (other than `0`/`false`) turns colour on even when piped; otherwise only a
 * terminal that is not `dumb` gets colour. Unlike picocolors' own default, CI=true alone does
 * not colour piped output: CI logs are often read as plain text.
 */
export function shouldColor(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** picocolors functions, on or off. */
export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

const PALETTE = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'redBright', 'cyanBright', 'magentaBright', 'yellowBright', 'greenBright'] as const;

/** A stable colour per process: the manifest position picks from a fixed palette. */
export function processColor(c: Colors, index: number): (text: string) => string {
  return c[PALETTE[index % PALETTE.length]!];
}
