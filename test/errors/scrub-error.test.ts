import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  errorFromResponse,
  type FrappeOAuthError,
  FrappeValidationError,
  scrubError,
} from '../../src/errors';
import { REDACTED } from '../../src/redaction/redact';

/** A secret the code that built the error did not know of. */
const LATER = 'L4terT0kenL4terT0kenL4terT0ke';
const EARLY = 'Early5ecretEarly5ecret';

function everything(error: Error): string {
  return [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    String((error.cause as Error | undefined)?.stack),
  ].join('\n');
}

describe('scrubError', () => {
  it('scrubs more secrets from an existing error, in place, keeping the rest of the text', () => {
    const cause = Object.assign(new Error(`socket said ${LATER}`), { code: 'ECONNRESET' });
    const error = errorFromResponse({
      status: 417,
      method: 'POST',
      url: `https://erp.example.com/api/method/x/${LATER}`,
      body: {
        exc_type: LATER,
        _server_messages: JSON.stringify([
          JSON.stringify({ message: `token ${LATER} rejected, ${EARLY} too`, raise_exception: 1 }),
        ]),
      },
      cause,
      redact: [EARLY],
    });
    expect(error.excType).toBe(LATER);
    expect(everything(error)).toContain(LATER);

    const same = scrubError(error, [LATER]);
    expect(same).toBe(error);
    expect(same).toBeInstanceOf(FrappeValidationError);
    expect(error.excType).toBeUndefined();
    expect(error.messages).toEqual([`token ${REDACTED} rejected, ${REDACTED} too`]);
    expect(error.url).toBe(`https://erp.example.com/api/method/x/${REDACTED}`);
    expect(error.message).toContain(`token ${REDACTED} rejected`);
    expect(everything(error)).not.toContain(LATER);
    expect((error.cause as Error & { code?: string }).code).toBe('ECONNRESET');
  });

  it('scrubs an OAuth error’s own fields and a chain of FrappeError causes', () => {
    const inner = errorFromResponse({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: `grant ${LATER} unknown`,
        error_uri: `https://x/${LATER}`,
      },
    }) as FrappeOAuthError;
    const outer = new AuthorizationRequiredError({ message: `sign in again (${LATER})`, cause: inner });
    scrubError(outer, new Set([LATER]));
    expect(inner.errorDescription).toBe(`grant ${REDACTED} unknown`);
    expect(inner.errorUri).toBe(`https://x/${REDACTED}`);
    expect(everything(outer)).not.toContain(LATER);
    expect(everything(inner)).not.toContain(LATER);
  });

  it('also takes escaped forms, and never throws', () => {
    const error = new FrappeValidationError({ messages: [`a ${encodeURIComponent(`${LATER}/x`)} b`] });
    scrubError(error, [`${LATER}/x`]);
    expect(error.messages).toEqual([`a ${REDACTED} b`]);
    const frozen = Object.freeze(new FrappeValidationError({ message: `m ${LATER}` }));
    expect(() => scrubError(frozen, [LATER])).not.toThrow();
    expect(scrubError(frozen, [])).toBe(frozen);
  });
});
