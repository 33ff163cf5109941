import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FrappeConfigurationError, FrappeNetworkError } from '../errors';
import { isLoopbackHost } from '../transport/loopback-host';

/** How a terminal program takes Frappe's redirect back: a one-shot HTTP server on the redirect URI. */
export interface LoopbackOptions {
  /** Called with the authorize URL: show it to the user, or open their browser with it. */
  onAuthorizationUrl: (url: string) => void | Promise<void>;
  /** How long to wait for the browser to come back; default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What the receiver does with the callback it got: the page shown in the browser follows from it. */
export type CallbackHandler = (callbackUrl: string) => Promise<void>;

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * Listens on the redirect URI (it must be `http://` on a loopback host with an explicit port,
 * exactly as registered at the OAuth Client), waits for one request to its path, hands the full
 * URL to `handle`, shows the browser whether that worked, and closes. Other paths get 404, so a
 * stray request (a favicon) neither ends nor breaks the wait.
 */
export async function receiveCallback(
  redirectUri: string,
  options: LoopbackOptions,
  start: () => Promise<string>,
  handle: CallbackHandler,
): Promise<void> {
  const target = new URL(redirectUri);
  if (target.protocol !== 'http:' || !isLoopbackHost(target.hostname) || target.port === '') {
    throw new FrappeConfigurationError({
      message:
        'the loopback flow needs a redirectUri such as http://127.0.0.1:8765/callback (loopback host, explicit port)',
    });
  }
  if (typeof options?.onAuthorizationUrl !== 'function') {
    throw new FrappeConfigurationError({ message: 'the loopback flow needs onAuthorizationUrl' });
  }
  const timeoutMs = options.timeoutMs ?? 300_000;
  let settle: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', target);
    if (url.pathname !== target.pathname) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    handle(url.toString()).then(
      () => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(PAGE('Signed in', 'You can close this window and return to the application.'));
        settle();
      },
      (error: unknown) => {
        response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          PAGE(
            'Sign-in failed',
            'The application could not complete the sign-in. You can close this window.',
          ),
        );
        settle(error);
      },
    );
  });

  await listen(server, target);
  const timer = setTimeout(
    () =>
      settle(
        new FrappeNetworkError({
          message: `no authorization callback within ${timeoutMs} ms`,
          reason: 'timeout',
        }),
      ),
    timeoutMs,
  );
  const onAbort = () =>
    settle(new FrappeNetworkError({ message: 'the authorization was aborted', reason: 'aborted' }));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) onAbort();
    await options.onAuthorizationUrl(await start());
    await done;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function listen(server: Server, target: URL): Promise<void> {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new FrappeConfigurationError({
          message: `cannot listen on ${target.host} for the callback (${error.code ?? 'error'})`,
        }),
      ),
    );
    server.listen(Number(target.port), host, () => resolve());
  });
}
