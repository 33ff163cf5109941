import type { CliOutput } from '../context';

/**
 * Progress of a long export on stderr: redrawn in place on a terminal (at most every 100 ms), or
 * one line per tenth of the way when stderr is a file or a pipe and progress was asked for.
 */
export class ProgressBar {
  private done = 0;
  private lastDrawMs = 0;
  private lastTenth = -1;

  constructor(
    private readonly output: CliOutput,
    private readonly label: string,
    private total: number | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  advance(rows = 1): void {
    this.update(this.done + rows, this.total);
  }

  /** Where the work stands, as an `onProgress` callback reports it (done so far, the total if known). */
  update(done: number, total: number | undefined): void {
    this.done = done;
    this.total = total;
    if (this.output.isTTY) {
      if (this.now() - this.lastDrawMs < 100) return;
      this.lastDrawMs = this.now();
      this.output.write(`\r${this.line()}`);
      return;
    }
    const tenth = this.total ? Math.floor((this.done / this.total) * 10) : Math.floor(this.done / 1000);
    if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      this.output.write(`${this.line()}\n`);
    }
  }

  finish(): void {
    this.output.write(this.output.isTTY ? `\r${this.line()}\n` : `${this.line()} done\n`);
  }

  private line(): string {
    if (!this.total) return `${this.label}: ${this.done} rows`;
    const share = Math.min(1, this.done / this.total);
    const width = 24;
    const filled = Math.round(share * width);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${Math.floor(share * 100)}%`;
  }
}
