import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One try of one delivery, as Frappe's Webhook Request Log records it. */
export interface WebhookAttempt {
  /** The Webhook's name (`HOOK-0001`). */
  webhook: string;
  /** `reference_doctype` / `reference_document`. */
  doctype: string;
  name: string;
  url: string;
  /** 1, 2 or 3. */
  attempt: number;
  /** The headers the webhook added (signature, its own), as logged. */
  headers: Record<string, string>;
  /** The body as sent. */
  data: string;
  /** The receiver's status, when it answered. */
  status?: number;
  /** The receiver's body, when it answered. */
  response?: string;
  /** Why the try failed: `timeout`, a connection error code, or `HTTP <status>`. */
  error?: string;
  /** How long the site waited after this failed try (Frappe's 3·i + 1 s, scaled); none after a timeout. */
  waitedMs?: number;
}

export interface DeliveryRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutSeconds: number;
}

/** What `requests` 2.x sends on its own, before the webhook's headers. */
const REQUESTS_HEADERS = {
  'User-Agent': 'python-requests/2.32.3',
  'Accept-Encoding': 'gzip, deflate',
  Accept: '*/*',
  Connection: 'keep-alive',
};

/** One HTTP try: resolves the status and body, or rejects with `timeout` or the connection error. */
export function sendOnce(delivery: DeliveryRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(delivery.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = Buffer.from(delivery.body, 'utf8');
    const request = send(
      url,
      {
        method: delivery.method,
        headers: { ...REQUESTS_HEADERS, ...delivery.headers, 'Content-Length': String(body.length) },
        timeout: delivery.timeoutSeconds * 1000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    // requests' timeout is per read: no byte within it is a ReadTimeout.
    request.on('timeout', () => request.destroy(new TimeoutError()));
    request.on('error', reject);
    request.end(body);
  });
}

export class TimeoutError extends Error {
  constructor() {
    super('timeout');
  }
}
