import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/index';

const SECRET = 'whsec-ünïcode-s3cret';

/**
 * What Frappe's `get_webhook_headers` and `enqueue_webhook` (frappe/integrations/doctype/webhook/
 * webhook.py) compute, run in a real Python: the body is `json.dumps(data, default=str)`, the
 * signature base64 of HMAC-SHA256 over `json.dumps(data).encode("utf8")` keyed with the secret.
 */
const FRAPPE_SIGNER = `
import base64, hashlib, hmac, json, sys
data = json.loads(sys.stdin.read())
data["grand_total"] = float(data["grand_total"])
secret = sys.argv[1]
body = json.dumps(data, default=str)
signature = base64.b64encode(hmac.new(secret.encode("utf8"), json.dumps(data).encode("utf8"), hashlib.sha256).digest())
sys.stdout.write(json.dumps({"body": body, "signature": signature.decode()}))
`;

const DOC = {
  doctype: 'Sales Order',
  name: 'SAL-ORD-2026-00042',
  customer: 'Müller & Söhne GmbH',
  grand_total: 1250,
  items: [{ item_code: 'WIDGET-€', qty: 3 }],
  note: null,
  emoji: '📦',
};

const python = spawnSync('python3', ['-c', 'print(1)'], { encoding: 'utf8' });
const hasPython = python.status === 0;

function signLikeFrappe(doc: unknown, secret: string): { body: string; signature: string } {
  const run = spawnSync('python3', ['-c', FRAPPE_SIGNER, secret], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/**
 * A body and signature produced by the Python above (python3 3.x, secret `whsec-ünïcode-s3cret`),
 * kept so the check also runs where no Python is installed.
 */
const RECORDED = {
  body: '{"doctype": "Sales Order", "name": "SAL-ORD-2026-00042", "customer": "M\\u00fcller & S\\u00f6hne GmbH", "grand_total": 1250.0, "items": [{"item_code": "WIDGET-\\u20ac", "qty": 3}], "note": null, "emoji": "\\ud83d\\udce6"}',
  signature: 'bNd1J7WF0HkU1nTRGqqVl1LQWQWenMKGOZOk4SFADFk=',
};

describe('verifyWebhookSignature', () => {
  it.skipIf(!hasPython)(
    'accepts a webhook signed as Frappe signs it (real python3; skipped only where python3 is absent)',
    () => {
      const { body, signature } = signLikeFrappe(DOC, SECRET);
      expect(body).toContain('1250.0');
      expect(body).toContain('\\u00fc');
      expect(verifyWebhookSignature(body, signature, SECRET)).toBe(true);
      expect(verifyWebhookSignature(Buffer.from(body, 'utf8'), signature, SECRET)).toBe(true);
      expect(
        verifyWebhookSignature(new Uint8Array(Buffer.from(body, 'utf8')) as Buffer, signature, SECRET),
      ).toBe(true);
    },
  );

  it.skipIf(!hasPython)('matches the recorded Python output byte for byte', () => {
    expect(signLikeFrappe(DOC, SECRET)).toEqual(RECORDED);
  });

  it('accepts the recorded Frappe body and signature', () => {
    expect(verifyWebhookSignature(RECORDED.body, RECORDED.signature, SECRET)).toBe(true);
    expect(verifyWebhookSignature(RECORDED.body, ` ${RECORDED.signature}\t`, SECRET)).toBe(true);
  });

  it('refuses a tampered body: one byte changed, appended, or cut', () => {
    const { body, signature } = RECORDED;
    expect(verifyWebhookSignature(body.replace('1250.0', '1251.0'), signature, SECRET)).toBe(false);
    expect(verifyWebhookSignature(`${body} `, signature, SECRET)).toBe(false);
    expect(verifyWebhookSignature(body.slice(0, -1), signature, SECRET)).toBe(false);
  });

  it('refuses a re-serialised body: JSON.stringify of the parsed body is other bytes', () => {
    const reserialised = JSON.stringify(JSON.parse(RECORDED.body));
    expect(reserialised).not.toBe(RECORDED.body);
    expect(verifyWebhookSignature(reserialised, RECORDED.signature, SECRET)).toBe(false);
  });

  it('refuses a hex digest of the right HMAC, and base64url of it', () => {
    const mac = createHmac('sha256', SECRET).update(RECORDED.body);
    const digest = mac.digest();
    expect(digest.toString('base64')).toBe(RECORDED.signature);
    expect(verifyWebhookSignature(RECORDED.body, digest.toString('hex'), SECRET)).toBe(false);
    expect(verifyWebhookSignature(RECORDED.body, digest.toString('base64url'), SECRET)).toBe(false);
    expect(verifyWebhookSignature(RECORDED.body, `sha256=${digest.toString('base64')}`, SECRET)).toBe(false);
  });

  it('refuses the right body with another secret, or a signature over another body', () => {
    expect(verifyWebhookSignature(RECORDED.body, RECORDED.signature, `${SECRET}x`)).toBe(false);
    const other = createHmac('sha256', SECRET).update('{}').digest('base64');
    expect(verifyWebhookSignature(RECORDED.body, other, SECRET)).toBe(false);
    const sha = createHash('sha256').update(RECORDED.body).digest('base64');
    expect(verifyWebhookSignature(RECORDED.body, sha, SECRET)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['whitespace', '   '],
    ['too short', RECORDED.signature.slice(0, 40)],
    ['too long', `${RECORDED.signature}AAAA`],
    ['without padding', RECORDED.signature.slice(0, 43)],
    ['with junk inside', `${RECORDED.signature.slice(0, 20)}!${RECORDED.signature.slice(21)}`],
    ['an array', [RECORDED.signature] as unknown as string],
    ['a number', 42 as unknown as string],
  ])('is false, never a throw, for a %s header', (_label, header) => {
    expect(verifyWebhookSignature(RECORDED.body, header, SECRET)).toBe(false);
  });

  it.each([
    ['an empty secret', RECORDED.body, ''],
    ['a secret that is no string', RECORDED.body, undefined as unknown as string],
    ['a body that is no string or bytes', { parsed: true } as unknown as string, SECRET],
    ['a null body', null as unknown as string, SECRET],
  ])('is false, never a throw, for %s', (_label, body, secret) => {
    expect(verifyWebhookSignature(body, RECORDED.signature, secret)).toBe(false);
  });
});
