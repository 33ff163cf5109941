import { spawn } from 'node:child_process';

/**
 * Opens `url` in the user's browser: `$BROWSER` when set, else the platform's opener (`xdg-open`,
 * `open`, `start`). Resolves false when nothing could be started; the URL is printed in any case.
 */
export function openInBrowser(url: string, env: Record<string, string | undefined>): Promise<boolean> {
  const [command, args] = opener(url, env);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

function opener(url: string, env: Record<string, string | undefined>): [string, string[]] {
  if (env.BROWSER) return [env.BROWSER, [url]];
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url.replaceAll('&', '^&')]];
  return ['xdg-open', [url]];
}
