/** What the CLI's text may use on one output stream: ANSI colour, and how many columns a line may take. */
export interface Terminal {
  readonly color: boolean;
  /** columns a line may take before the terminal wraps it */
  readonly width: number;
  /** a terminal, where a line can be rewritten in place */
  readonly tty: boolean;
}

/** columns assumed when the stream is not a terminal (a pipe, a CI log) or does not say */
export const DEFAULT_WIDTH = 80;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether to colour, by the conventions users set once for all their tools, strongest first:
 * the `--no-color` flag; FORCE_COLOR (`0` or `false` turns colour off, any other value on, as in
 * Node and chalk); NO_COLOR with any non-empty value (no-color.org); else a terminal that has colours.
 */
export function wantsColor(stream: NodeJS.WriteStream, env: Env, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR']) return false;
  if (!stream.isTTY) return false;
  // hasColors reads NO_COLOR and FORCE_COLOR itself, with other rules (an empty NO_COLOR counts); they are settled above.
  const { NO_COLOR: _no, FORCE_COLOR: _force, ...rest } = env;
  return typeof stream.hasColors === 'function' ? stream.hasColors(rest as NodeJS.ProcessEnv) : true;
}

export function terminalOf(stream: NodeJS.WriteStream, options: { readonly noColor?: boolean; readonly env?: Env } = {}): Terminal {
  const tty = Boolean(stream.isTTY);
  const columns = tty ? stream.columns : undefined;
  return {
    color: wantsColor(stream, options.env ?? process.env, options.noColor ?? false),
    width: columns !== undefined && columns > 0 ? columns : DEFAULT_WIDTH,
    tty,
  };
}

/** `--no-color` is a global option; commander hands every action its command, whose globals hold it. */
export const noColorFlag = (command: { optsWithGlobals(): Record<string, unknown> }): boolean => command.optsWithGlobals()['color'] === false;

/** a piece of a status line; a higher rank is left out sooner */
export interface Part {
  readonly text: string;
  readonly rank: number;
}

/**
 * Joins parts with " · " in their order, leaving out the least important ones (highest `rank`
 * first) until the line fits in `width` columns. The first part always stays.
 */
export function fitParts(parts: readonly Part[], width: number): string {
  const kept = [...parts];
  const line = () => kept.map((p) => p.text).join(' · ');
  while (kept.length > 1 && line().length > width) {
    const worst = kept.reduce((w, p, i) => (i > 0 && p.rank >= (kept[w]?.rank ?? -Infinity) ? i : w), 1);
    kept.splice(worst, 1);
  }
  const text = line();
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
