import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * The one way every `npm run` script reads its command line, so they all behave alike:
 *
 * - `--help` / `-h` prints the usage on stdout and exits 0, before anything else runs;
 * - an unknown, malformed or missing option prints what is wrong and the usage on
 *   stderr and exits 2 (the scripts' own checks throw UsageError for the same effect).
 *
 * Values that start with `-` must be written `--option=value`: util.parseArgs (like
 * most parsers) reads `--option -x` as a missing value followed by an option.
 */

/** A command line the script cannot act on: exit 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_USAGE = 2;

/** `--help` or `-h` before any `--` terminator. */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** Node's unknown-option text goes on about positionals; the option's name is what helps. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (message.split('. ')[0] ?? message) : message;
}

export function exitWithUsage(script: string, usage: string, message: string): never {
  process.stderr.write(`${script}: ${message}\n\n${usage.trimEnd()}\n`);
  process.exit(EXIT_USAGE);
}

/**
 * util.parseArgs with the behaviour above. `script` prefixes error messages; `usage`
 * is the full help text. Scripts pass `args` only in tests; the default is argv.
 */
export function parseCommandLine<const T extends Omit<ParseArgsConfig, 'args'>>(
  script: string,
  usage: string,
  config: T,
  args: string[] = process.argv.slice(2),
) {
  if (asksForHelp(args)) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ ...config, args });
  } catch (error) {
    exitWithUsage(script, usage, parseErrorMessage(error));
  }
}
