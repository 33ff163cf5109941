/**
 * The command line was wrong (an unknown option, a missing argument, a write without `--write`):
 * the command exits with status 2 and the message, and nothing was sent to the site.
 */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
