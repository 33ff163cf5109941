import { parseCommandArgs } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';
import type { CliContext } from './context';
import { describeError, EXIT } from './describe-error';

const USAGE = `Usage: frappe-oauth <command> [options]

Acts on a Frappe/ERPNext site through Frappe's own OAuth2 provider. Results are JSON on stdout;
messages and progress go to stderr. Read-only unless a command is given --write.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)}${command.summary}`).join('\n')}

Run "frappe-oauth <command> --help" for a command's options.
Tokens are kept in $XDG_CONFIG_HOME/frappe-oauth (default ~/.config/frappe-oauth), 0600, and
encrypted at rest with --key or $FRAPPE_OAUTH_KEY.
`;

/** Runs one command line; resolves the exit status. Never throws. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? findCommand(rest[0]) : undefined;
    context.stdout.write(topic ? `${topic.help}\n` : USAGE);
    return name === undefined ? EXIT.usage : 0;
  }
  if (name === '--version') {
    context.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    context.stderr.write(`frappe-oauth: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  let site: string | undefined;
  try {
    const args = parseCommandArgs(command.name, rest, command.options);
    site = typeof args.values.site === 'string' ? args.values.site : undefined;
    if (args.values.help === true) {
      context.stdout.write(`${command.help}\n`);
      return 0;
    }
    return await command.run(args, context);
  } catch (error) {
    const { message, status } = describeError(error, site);
    context.stderr.write(`frappe-oauth ${command.name}: ${message}\n`);
    return status;
  }
}

function findCommand(name: string | undefined): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

function packageVersion(): string {
  try {
    // Two levels up from dist/cli (the build) or src/cli (the sources).
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
