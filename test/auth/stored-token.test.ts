import { describe, expect, it } from 'vitest';
import { isTokenResponse, readStoredToken, storedTokenFrom } from '../../src/auth/stored-token';

describe('stored token', () => {
  const response = {
    access_token: 'a'.repeat(30),
    expires_in: 3600,
    token_type: 'Bearer',
    scope: 'all openid',
    refresh_token: 'r'.repeat(30),
  };

  it('computes expires_at in server time on receipt', () => {
    const token = storedTokenFrom(response, 1_000_000.7, 'alice@example.com');
    expect(token.expires_at).toBe(1_000_000 + 3600);
    expect(token.obtained_at).toBe(1_000_000);
    expect(token.user).toBe('alice@example.com');
    expect(token.refresh_token).toBe(response.refresh_token);
  });

  it('accepts expires_in as a string and falls back to 3600 for nonsense', () => {
    expect(storedTokenFrom({ ...response, expires_in: '120' }, 0).expires_at).toBe(120);
    expect(storedTokenFrom({ ...response, expires_in: 'soon' }, 0).expires_at).toBe(3600);
  });

  it('reads back only values that are tokens', () => {
    const token = storedTokenFrom(response, 10);
    expect(readStoredToken(token)).toEqual(token);
    expect(readStoredToken('a string')).toBeUndefined();
    expect(readStoredToken({ ...token, expires_at: 'later' })).toBeUndefined();
    expect(readStoredToken({ ...token, refresh_token: 42 })).toBeUndefined();
    expect(readStoredToken({ ...token, access_token: '' })).toBeUndefined();
    expect(isTokenResponse(null)).toBe(false);
  });
});
