import type { CliContext } from './context';

/**
 * Reads a secret (a password): from a terminal without echo, or the first line of piped stdin.
 * Resolves undefined when stdin is closed or empty.
 */
export async function readSecret(context: CliContext, prompt: string): Promise<string | undefined> {
  const { stdin } = context;
  if (stdin.isTTY && typeof stdin.setRawMode === 'function') {
    context.stderr.write(prompt);
    return readFromTerminal(context);
  }
  return readFirstLine(stdin);
}

function readFromTerminal(context: CliContext): Promise<string | undefined> {
  const stdin = context.stdin;
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | undefined) => {
      stdin.setRawMode?.(false);
      stdin.removeListener('data', onData);
      stdin.pause();
      context.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n') return finish(typed);
        if (character === '\u0003' || character === '\u0004') return finish(undefined); // Ctrl-C, Ctrl-D
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', done);
      stdin.removeListener('error', done);
      const line = text.split(/\r?\n/)[0] ?? '';
      resolve(line === '' ? undefined : line);
    };
    const onData = (chunk: Buffer | string) => {
      text += String(chunk);
      if (text.includes('\n')) done();
    };
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.once('error', done);
    stdin.resume();
  });
}
