import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Frappe puts the signature in (`WEBHOOK_SECRET_HEADER` in Frappe's webhook.py). */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Frappe-Webhook-Signature';

/** A SHA-256 digest is 32 bytes: base64 of it is 43 characters and one `=` of padding. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Checks the `X-Frappe-Webhook-Signature` header of a webhook Frappe sent.
 *
 * Frappe signs with base64(HMAC-SHA256(key = the webhook secret in UTF-8, message = the body
 * bytes)), where the body is Python's `json.dumps(data)`: `", "` and `": "` separators and every
 * non-ASCII character escaped as `\uXXXX`. A JavaScript `JSON.stringify` of the parsed body gives
 * other bytes, so only the raw body as it arrived verifies: never a re-serialised one.
 *
 * Never throws: a missing, empty, hex, wrong-length or otherwise malformed header, an empty secret
 * or a body of the wrong type is simply `false`. The comparison is constant-time.
 *
 * @param rawBody the request body exactly as received (a Buffer, or a string decoded from it)
 * @param signatureHeader the header's value (`req.headers['x-frappe-webhook-signature']`)
 * @param secret the Webhook's "Webhook Secret" as set in Frappe
 * @returns true only when the signature matches the body and the secret
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  signatureHeader: string | undefined,
  secret: string,
): boolean {
  try {
    if (typeof signatureHeader !== 'string' || typeof secret !== 'string' || secret === '') return false;
    const body = bodyBytes(rawBody);
    const header = signatureHeader.trim();
    // Checked before decoding: Buffer.from(…, 'base64') skips characters it does not know, so a
    // hex digest or a header with junk in it could otherwise decode to some 32 bytes.
    if (body === undefined || !BASE64_SHA256.test(header)) return false;
    const given = Buffer.from(header, 'base64');
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  } catch {
    return false;
  }
}

function bodyBytes(rawBody: unknown): Buffer | undefined {
  if (Buffer.isBuffer(rawBody)) return rawBody;
  // Frappe's body is ASCII (json.dumps escapes the rest), so a string decoded from it as UTF-8
  // re-encodes to the same bytes.
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (rawBody instanceof Uint8Array)
    return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  return undefined;
}
