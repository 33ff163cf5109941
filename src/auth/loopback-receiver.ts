import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import {
  AuthorizationDeniedError,
  FrappeConfigurationError,
  FrappeNetworkError,
  isFrappeError,
} from '../errors';
import { isLoopbackHost } from '../transport/loopback-host';

/** How a terminal program takes Frappe's redirect back: a one-shot HTTP server on the redirect URI. */
export interface LoopbackOptions {
  /**
   * Called with the authorize URL: show it to the user, or open their browser with it. The browser
   * may come back before a returned promise settles; the flow still waits for it, and a rejection
   * fails the flow (as a FrappeConfigurationError unless it is a FrappeError already).
   */
  onAuthorizationUrl: (url: string) => void | Promise<void>;
  /** How long to wait for the browser to come back and the sign-in to complete; default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * What the receiver does with the callback it accepted: the page shown in the browser follows from
 * it. `signal` aborts when the flow has ended otherwise (timeout, abort, onAuthorizationUrl failed).
 */
export type CallbackHandler = (callbackUrl: string, signal: AbortSignal) => Promise<void>;

/** The pages take nothing from the request: a callback URL carries a code, and its text is anyone's. */
const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The address bar holds the code: no referrer, no scripts, nothing loaded from elsewhere.
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'",
  'x-content-type-options': 'nosniff',
};

const SIGNED_IN = PAGE('Signed in', 'You can close this window and return to the application.');
const FAILED = PAGE(
  'Sign-in failed',
  'The application could not complete the sign-in. You can close this window.',
);
const CANCELLED = PAGE('Sign-in cancelled', 'The access was denied. You can close this window.');
const NOT_OURS = PAGE(
  'Not a valid sign-in',
  'This link does not belong to the sign-in the application is waiting for. You can close this window.',
);

/**
 * What a request to the callback path is. Only the callback carrying the state of this receiver's
 * own authorize URL is handed on; Frappe's Deny link is recognised although it carries no state.
 * Everything else is a stray or forged request: it gets a 400 page and the wait goes on, so that
 * anyone able to reach the loopback port cannot end (or hijack) the flow.
 */
type Verdict = 'callback' | 'denied' | 'foreign';

function classify(params: URLSearchParams, expectedState: string | undefined): Verdict {
  if (expectedState === undefined) return 'foreign';
  const states = params.getAll('state');
  if (states.length === 0) {
    // Frappe's Deny is `<redirect_uri>?error=access_denied`, concatenated without state.
    const errors = params.getAll('error');
    return errors.length === 1 && errors[0] === 'access_denied' && !params.has('code') ? 'denied' : 'foreign';
  }
  return states.length === 1 && sameState(states[0], expectedState) ? 'callback' : 'foreign';
}

/** The state is the secret that ties the callback to this flow: compared in constant time. */
function sameState(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function stateOf(authorizationUrl: string): string {
  let state: string | null = null;
  try {
    state = new URL(authorizationUrl).searchParams.get('state');
  } catch {
    // reported below
  }
  if (!state) {
    throw new FrappeConfigurationError({ message: 'the loopback flow got an authorize URL without state' });
  }
  return state;
}

/** The caller's failure, as an error of this package; the original is kept (safely) as the cause. */
function fromAuthorizationUrlHandler(error: unknown): unknown {
  if (isFrappeError(error)) return error;
  return new FrappeConfigurationError({ message: 'onAuthorizationUrl failed', cause: error });
}

/** The URL of a request as received, on the redirect URI's origin; undefined when it is not a path. */
function requestUrl(request: IncomingMessage, target: URL): URL | undefined {
  const raw = request.url ?? '';
  // Appended, not resolved against the origin: `//host/…` or `/\host/…` would move it elsewhere;
  // an absolute-form target (`GET http://elsewhere/…`) is no browser's callback.
  if (!raw.startsWith('/')) return undefined;
  try {
    const url = new URL(`${target.origin}${raw}`);
    return url.origin === target.origin ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Listens on the redirect URI (it must be `http://` on a loopback host with an explicit port,
 * exactly as registered at the OAuth Client), waits for the callback of the authorization `start`
 * began, hands its full URL to `handle`, shows the browser whether that worked, and closes. Other
 * paths get 404 and other requests to the callback path 400 (see {@link classify}); neither ends
 * nor breaks the wait.
 *
 * Settles once both the callback and `onAuthorizationUrl` are done, with the callback's result
 * (Deny and a failed handling reject); a failing `onAuthorizationUrl`, the timeout (over the whole
 * flow) and the abort signal reject at once.
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
  const aborted = () =>
    new FrappeNetworkError({ message: 'the authorization was aborted', reason: 'aborted' });
  if (options.signal?.aborted) throw aborted();
  const timeoutMs = options.timeoutMs ?? 300_000;

  // The flow settles once: at once on timeout, abort or a failing start/onAuthorizationUrl;
  // otherwise with the callback's result, but only after onAuthorizationUrl has settled too (the
  // browser may well come back while it is still pending, and it may still fail).
  type Result = { ok: true } | { ok: false; error: unknown };
  let callbackResult: Result | undefined;
  let urlDelivered = false;
  let settled = false;
  let resolveFlow: () => void = () => undefined;
  let rejectFlow: (error: unknown) => void = () => undefined;
  const flow = new Promise<void>((resolve, reject) => {
    resolveFlow = resolve;
    rejectFlow = reject;
  });
  // It may settle before anything awaits it (a failure while the listen or start is pending).
  flow.catch(() => undefined);
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    rejectFlow(error);
  };
  const conclude = () => {
    if (settled || !urlDelivered || callbackResult === undefined) return;
    if (!callbackResult.ok) return fail(callbackResult.error);
    settled = true;
    resolveFlow();
  };
  const record = (result: Result) => {
    callbackResult = result;
    conclude();
  };

  // Ends an exchange still in flight when the flow ends otherwise; the caller's signal too.
  const stop = new AbortController();
  const handlerSignal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let expectedState: string | undefined;
  let accepted = false;

  // Never rejects: a browser that went away must not turn into an unhandled rejection.
  const respond = async (response: ServerResponse, status: number, page: string): Promise<void> => {
    try {
      response.writeHead(status, PAGE_HEADERS).end(page);
      // The page is handed to the socket before the flow may close the server.
      await finished(response);
    } catch {
      // the browser sees whatever it got
    }
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = requestUrl(request, target);
    if (!url) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    if (url.pathname !== target.pathname) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    // One callback per flow: a second one (a reload, a forgery with a leaked URL) is not handled.
    const verdict = accepted || settled ? 'foreign' : classify(url.searchParams, expectedState);
    if (verdict === 'foreign') {
      void respond(response, 400, NOT_OURS);
      return;
    }
    accepted = true;
    if (verdict === 'denied') {
      const denied = new AuthorizationDeniedError({
        message: 'the user denied access at the Frappe consent page',
      });
      void respond(response, 400, CANCELLED).then(() => record({ ok: false, error: denied }));
      return;
    }
    const callbackUrl = url.toString();
    // Started inside a promise so that even a handler throwing synchronously lands in the result.
    void Promise.resolve()
      .then(() => handle(callbackUrl, handlerSignal))
      .then(
        async () => {
          await respond(response, 200, SIGNED_IN);
          record({ ok: true });
        },
        async (error: unknown) => {
          await respond(response, 400, FAILED);
          record({ ok: false, error });
        },
      );
  });

  await listen(server, target);
  const timer = setTimeout(
    () =>
      fail(
        new FrappeNetworkError({
          message: accepted
            ? `the authorization did not complete within ${timeoutMs} ms`
            : `no authorization callback within ${timeoutMs} ms`,
          reason: 'timeout',
        }),
      ),
    timeoutMs,
  );
  const onAbort = () => fail(aborted());
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const deliver = async () => {
    const authorizationUrl = await start();
    expectedState = stateOf(authorizationUrl);
    if (settled) return;
    try {
      await options.onAuthorizationUrl(authorizationUrl);
    } catch (error) {
      throw fromAuthorizationUrlHandler(error);
    }
  };
  // Handled right here: a late rejection (after a timeout, say) is never left unhandled.
  deliver().then(() => {
    urlDelivered = true;
    conclude();
  }, fail);

  try {
    await flow;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // A callback's result is recorded only after its page went out, so nothing is cut short here
    // but an exchange that the timeout, the abort or onAuthorizationUrl overtook: it is told to stop.
    stop.abort(new FrappeNetworkError({ message: 'the loopback flow has ended', reason: 'aborted' }));
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
