import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTokenResponse,
  MAX_TOKEN_LIFETIME_SECONDS,
  readStoredToken,
  storedTokenFrom,
  type TokenResponse,
} from '../../src/auth/stored-token';
import { runs } from './arbitraries';

const anyValue = fc.anything({ maxDepth: 1, withBigInt: true, withBoxedValues: true });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anyValue);

/** `bearer` in any case, and strings that only look like it. */
const tokenType = fc.oneof(
  fc.mixedCase(fc.constant('bearer')),
  fc.constantFrom('Bearer ', ' Bearer', 'Bearer\n', 'mac', 'DPoP', 'N_A', 'bearer-token', 'Bearerr', ''),
  fc.string({ maxLength: 8 }),
  anyValue,
);

const expiresIn = fc.oneof(
  fc.integer({ min: -100_000, max: 1_000_000 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 3600, 86_400, 86_401),
  fc.integer({ min: -100, max: 200_000 }).map(String),
  fc.constantFrom('3600', ' 3600 ', '0x10', '1e3', '', ' ', '36.5', '+3600', '-5', '99999999999999999999999'),
  anyValue,
);

/** A token answer or a stored token, any field of any type. */
const tokenLike = fc.record(
  {
    access_token: fc.oneof(fc.string({ maxLength: 20 }), anyValue),
    token_type: tokenType,
    expires_in: expiresIn,
    refresh_token: optional(fc.string({ maxLength: 20 })),
    scope: optional(fc.constantFrom('all openid', 'openid', 'all', '')),
    id_token: optional(fc.string({ maxLength: 20 })),
    expires_at: fc.oneof(fc.integer(), fc.double(), anyValue),
    obtained_at: fc.oneof(fc.integer(), anyValue),
    user: optional(fc.emailAddress()),
  },
  { requiredKeys: [] },
);
const anyInput = fc.oneof(tokenLike, fc.anything({ maxDepth: 2, withBigInt: true }));

/** What isTokenResponse must decide, written out. */
function isBearerAnswer(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const { access_token, token_type } = value as Record<string, unknown>;
  return (
    typeof access_token === 'string' &&
    access_token !== '' &&
    typeof token_type === 'string' &&
    /^bearer$/i.test(token_type)
  );
}

describe('stored-token parsing', () => {
  it('isTokenResponse takes a non-empty access_token of type Bearer (any case), nothing else', () => {
    fc.assert(
      fc.property(anyInput, (value) => {
        expect(isTokenResponse(value)).toBe(isBearerAnswer(value));
      }),
      runs(500),
    );
  });

  it('readStoredToken gives a well-typed StoredToken or undefined, and never throws', () => {
    fc.assert(
      fc.property(anyInput, (value) => {
        const token = readStoredToken(value);
        if (token === undefined) return;
        expect(token).toBe(value);
        expect(isBearerAnswer(token)).toBe(true);
        expect(Number.isFinite(token.expires_at)).toBe(true);
        for (const key of ['refresh_token', 'scope', 'id_token', 'user'] as const) {
          if (token[key] !== undefined) expect(typeof token[key]).toBe('string');
        }
      }),
      runs(500),
    );
  });

  it('storedTokenFrom never throws on an answer that passes isTokenResponse, and bounds the lifetime', () => {
    fc.assert(
      fc.property(
        tokenLike.filter(isTokenResponse),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (response, serverNow) => {
          const notes: string[] = [];
          const token = storedTokenFrom(response as TokenResponse, serverNow, undefined, (note) =>
            notes.push(note),
          );
          expect(Number.isFinite(token.expires_at)).toBe(true);
          expect(Number.isInteger(token.expires_in)).toBe(true);
          expect(token.expires_in).toBeGreaterThanOrEqual(0);
          expect(token.expires_in).toBeLessThanOrEqual(MAX_TOKEN_LIFETIME_SECONDS);
          expect(token.expires_at).toBe(Math.floor(serverNow) + token.expires_in!);
          expect(token.access_token).toBe((response as TokenResponse).access_token);
          expect(notes.length).toBeLessThanOrEqual(1);
        },
      ),
      runs(400),
    );
  });

  it('storedTokenFrom takes a readable expires_in as it is, in whole seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_TOKEN_LIFETIME_SECONDS }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        (seconds, asString, now) => {
          const response = {
            access_token: 'a',
            token_type: 'Bearer',
            expires_in: asString ? String(seconds) : seconds,
          };
          const token = storedTokenFrom(response, now);
          expect(token.expires_in).toBe(seconds);
          expect(token.expires_at).toBe(now + seconds);
        },
      ),
      runs(100),
    );
  });

  // A token answer that passes isTokenResponse with e.g. `"scope": null` or `"refresh_token": 1`
  // must be stored as something readStoredToken reads back (it once was not).
  it('what storedTokenFrom builds from an answer that passes isTokenResponse reads back', () => {
    fc.assert(
      fc.property(
        tokenLike.filter(isTokenResponse),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        (response, now) => {
          const token = storedTokenFrom(response as TokenResponse, now);
          expect(readStoredToken(JSON.parse(JSON.stringify(token)))).toBeDefined();
        },
      ),
      runs(400),
    );
  });
});
