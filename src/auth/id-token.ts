import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { FrappeError } from '../errors';

export interface IdTokenExpectations {
  clientId: string;
  /** The client secret: Frappe signs id_tokens HS256 with it. Public clients skip the signature. */
  clientSecret: string | undefined;
  /** The accepted issuers (one, or two when discovery found two documents that disagree). */
  issuer: string | readonly string[];
  /** The nonce sent to authorize; undefined when none was sent (refresh). */
  nonce: string | undefined;
  /** The server's time now, epoch seconds. */
  serverNow: number;
  clockToleranceSeconds: number;
}

export interface IdTokenClaims {
  iss?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  nonce?: string;
  /** null for Administrator on Frappe. */
  sub?: string | null;
  email?: string;
  name?: string;
  roles?: string[];
  [claim: string]: unknown;
}

/**
 * Verifies a Frappe id_token. openid-client does not check HS256 signatures of token-endpoint
 * id_tokens, so this does: signature with the client secret, then issuer, audience, expiry and
 * nonce. `sub` may be null (Administrator), which generic OIDC validators reject.
 */
export async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  let claims: IdTokenClaims;
  try {
    const header = decodeProtectedHeader(idToken);
    if (header.alg !== 'HS256') throw invalid(`the id_token is signed with ${String(header.alg)}, not HS256`);
    if (expected.clientSecret) {
      const { payload } = await jwtVerify(idToken, new TextEncoder().encode(expected.clientSecret), {
        algorithms: ['HS256'],
        issuer: typeof expected.issuer === 'string' ? expected.issuer : [...expected.issuer],
        audience: expected.clientId,
        currentDate: new Date(expected.serverNow * 1000),
        clockTolerance: expected.clockToleranceSeconds,
      });
      claims = payload as IdTokenClaims;
    } else {
      claims = decodeJwt(idToken) as IdTokenClaims;
      checkClaims(claims, expected);
    }
  } catch (error) {
    if (error instanceof FrappeError) throw error;
    throw invalid(describeJoseError(error), error);
  }
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
    throw invalid('the id_token nonce does not match the authorization request');
  }
  return claims;
}

/** The claim checks jwtVerify does, for public clients whose tokens cannot be signature-checked. */
function checkClaims(claims: IdTokenClaims, expected: IdTokenExpectations): void {
  const issuers = typeof expected.issuer === 'string' ? [expected.issuer] : expected.issuer;
  if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss))
    throw invalid('the id_token issuer is not the expected issuer');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.clientId)) throw invalid('the id_token audience is not this client');
  if (typeof claims.exp !== 'number' || claims.exp + expected.clockToleranceSeconds <= expected.serverNow) {
    throw invalid('the id_token has expired');
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the id_token signature is not valid';
  if (error instanceof joseErrors.JWTExpired) return 'the id_token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the id_token claim "${error.claim}" is not as expected`;
  return 'the id_token could not be read';
}

/** The `iss` an id_token claims, unverified (only to choose which issuers to check it against). */
export function claimedIssuer(idToken: string): string | undefined {
  try {
    const { iss } = decodeJwt(idToken);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

function invalid(message: string, cause?: unknown): FrappeError {
  return new FrappeError({ message: `id_token rejected: ${message}`, cause: safeCause(cause) });
}

/** jose errors may quote the token's payload; keep only their code. */
function safeCause(cause: unknown): unknown {
  if (cause instanceof joseErrors.JOSEError) return new Error(cause.code);
  return undefined;
}
