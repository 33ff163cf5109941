import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './verify-signature';

/** A webhook Frappe sent whose signature checked out. */
export interface FrappeWebhook<T = unknown> {
  /** The body parsed as JSON: the Webhook's data (its fields, or its JSON template). */
  data: T;
  /** The body exactly as it arrived (what the signature covers). */
  rawBody: Buffer;
}

/**
 * The request as the receiver reads it: a `node:http` IncomingMessage, or an Express (or
 * Connect) request, which is one. `body`/`rawBody` are read when a body parser ran first.
 */
export type WebhookRequest = IncomingMessage & {
  body?: unknown;
  rawBody?: unknown;
  frappeWebhook?: FrappeWebhook;
};

export interface WebhookReceiverOptions<T = unknown> {
  /** The Webhook's secret; several while you rotate it (any one may match). */
  secret: string | readonly string[];
  /**
   * Handles a verified webhook. When it resolves the receiver answers 200 (unless the handler
   * answered itself); when it rejects, 500, so Frappe tries again (3 tries in all). Without it,
   * as Express middleware, the receiver sets `req.body` and `req.frappeWebhook` and calls `next()`.
   */
  onWebhook?: (webhook: FrappeWebhook<T>, request: WebhookRequest, response: ServerResponse) => unknown;
  /** A larger body is refused with 413 before it is read whole; default 1 MiB. */
  maxBodyBytes?: number;
}

/** `(req, res)` for `node:http`, `(req, res, next)` for Express. */
export type WebhookReceiver = (
  request: WebhookRequest,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * A receiver for Frappe's signed webhooks that keeps the raw body, checks
 * `X-Frappe-Webhook-Signature` against it ({@link verifyWebhookSignature}) and answers 401 when it
 * does not match, before anything is parsed. Works as a `node:http` request listener and as
 * Express middleware:
 *
 * ```ts
 * http.createServer(createWebhookReceiver({ secret, onWebhook: ({ data }) => upsert(data) }));
 * app.post('/frappe/customer', createWebhookReceiver({ secret }), (req, res) => { …req.body…; res.sendStatus(204); });
 * ```
 *
 * Frappe sends its webhooks without a Content-Type, so `express.json()` leaves them alone; mount
 * the receiver before any parser that would read the body anyway, or use `express.raw()` (its
 * Buffer is used). A body already parsed into an object cannot be verified: that is a setup error
 * (a TypeError passed to `next`, or 500), never a pass.
 *
 * Answers: 401 for a missing or wrong signature, 413 for a body over `maxBodyBytes`, 400 for a
 * signed body that is not JSON, 500 when the handler fails.
 *
 * @param options `secret` (one, or several while rotating), `onWebhook` (the handler; without
 *   it, Express middleware that calls `next()`), `maxBodyBytes` (default 1 MiB)
 * @returns `(req, res, next?)`: a `node:http` request listener and Express middleware. Its
 *   promise never rejects: every failure becomes an answer, or goes to `next`
 * @throws {TypeError} at once: an empty `secret` (or list), a `maxBodyBytes` that is not a
 *   positive integer, an `onWebhook` that is not a function
 */
export function createWebhookReceiver<T = unknown>(options: WebhookReceiverOptions<T>): WebhookReceiver {
  const secrets = checkSecrets(options?.secret);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new TypeError('createWebhookReceiver: maxBodyBytes must be a positive integer');
  }
  if (options.onWebhook !== undefined && typeof options.onWebhook !== 'function') {
    throw new TypeError('createWebhookReceiver: onWebhook must be a function');
  }

  return async (request, response, next) => {
    let rawBody: Buffer;
    try {
      const read = await rawBodyOf(request, maxBodyBytes);
      if (read === 'too-large') return answer(response, 413, 'payload too large');
      rawBody = read;
    } catch (error) {
      if (error instanceof TypeError && next) return next(error);
      return answer(response, 500, error instanceof TypeError ? error.message : 'could not read the body');
    }
    const signature = headerValue(request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]);
    if (!secrets.some((secret) => verifyWebhookSignature(rawBody, signature, secret))) {
      return answer(response, 401, 'invalid signature');
    }
    let data: T;
    try {
      data = JSON.parse(rawBody.toString('utf8')) as T;
    } catch {
      return answer(response, 400, 'body is not JSON');
    }
    const webhook: FrappeWebhook<T> = { data, rawBody };
    if (!options.onWebhook) {
      request.body = data;
      request.frappeWebhook = webhook as FrappeWebhook;
      if (next) return next();
      return answer(response, 200, undefined);
    }
    try {
      await options.onWebhook(webhook, request, response);
    } catch {
      if (!response.headersSent) answer(response, 500, 'handler failed');
      return;
    }
    if (!response.headersSent && !response.writableEnded) answer(response, 200, undefined);
  };
}

/** The body bytes: a body parser's Buffer or raw string if one ran, else read from the stream. */
async function rawBodyOf(request: WebhookRequest, maxBodyBytes: number): Promise<Buffer | 'too-large'> {
  const early = Buffer.isBuffer(request.rawBody)
    ? request.rawBody
    : typeof request.rawBody === 'string'
      ? Buffer.from(request.rawBody, 'utf8')
      : Buffer.isBuffer(request.body)
        ? request.body
        : typeof request.body === 'string' && request.readableEnded
          ? Buffer.from(request.body, 'utf8')
          : undefined;
  if (early) return early.length > maxBodyBytes ? 'too-large' : early;
  if (request.readableEnded) {
    throw new TypeError(
      'createWebhookReceiver: the body was parsed before the receiver saw it, so its signature cannot be checked; mount the receiver before body parsers, or use express.raw()',
    );
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > maxBodyBytes) return 'too-large';
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function answer(response: ServerResponse, status: number, error: string | undefined): void {
  if (response.headersSent) return;
  const body = JSON.stringify(error === undefined ? { ok: true } : { error });
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', String(Buffer.byteLength(body)));
  response.end(body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function checkSecrets(secret: unknown): string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : [];
  if (list.length === 0 || list.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw new TypeError('createWebhookReceiver: secret must be a non-empty string (or a list of them)');
  }
  return list;
}
