import type { OptionSpec, ParsedArgs } from './args';
import type { CliContext } from './context';

/** One subcommand: its help text, its options, and what it does. Resolves the exit status. */
export interface Command {
  name: string;
  /** One line for `frappe-oauth --help`. */
  summary: string;
  /** The full `--help` text (usage line, arguments, options). */
  help: string;
  options: OptionSpec;
  run(args: ParsedArgs, context: CliContext): Promise<number>;
}

/** The options every command takes, as help lines. */
export const COMMON_HELP = `Common options:
  --site NAME     the site profile to use (default: $FRAPPE_OAUTH_SITE, else the default site)
  --key KEY       the key tokens are encrypted with at rest (32 bytes, base64); or $FRAPPE_OAUTH_KEY
  --key-command CMD  a command printing that key, e.g. from the OS keyring
                  ("secret-tool lookup service frappe-oauth"); or $FRAPPE_OAUTH_KEY_COMMAND
  -h, --help      this help`;
