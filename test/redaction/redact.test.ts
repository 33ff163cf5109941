import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, redactSecrets, sanitizeUrl } from '../../src/redaction/redact';

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redactSecrets('a=tok123 b=tok123 c=sec456', ['tok123', 'sec456'])).toBe(
      'a=[redacted] b=[redacted] c=[redacted]',
    );
  });

  it('ignores secrets shorter than 4 characters and non-strings', () => {
    expect(redactSecrets('abc abcd', ['abc', 'abcd', undefined as unknown as string])).toBe('abc [redacted]');
  });

  it('redacts the longer of two overlapping secrets whole', () => {
    expect(redactSecrets('xx-secret-long-yy', ['secret', 'secret-long'])).toBe('xx-[redacted]-yy');
  });

  it('also redacts the percent-encoded form', () => {
    expect(redactSecrets('password=p%40ss%2Fword', ['p@ss/word'])).toBe('password=[redacted]');
  });

  it('accepts any iterable, e.g. a Set or generator', () => {
    function* secrets() {
      yield 'alpha1';
    }
    expect(redactSecrets('alpha1', new Set(['alpha1']))).toBe('[redacted]');
    expect(redactSecrets('alpha1', secrets())).toBe('[redacted]');
  });
});

describe('fingerprint', () => {
  it('is the first 8 hex characters of the SHA-256', () => {
    const expected = createHash('sha256').update('my-token').digest('hex').slice(0, 8);
    expect(fingerprint('my-token')).toBe(expected);
    expect(fingerprint('my-token')).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprint('other-token')).not.toBe(expected);
  });
});

describe('sanitizeUrl', () => {
  it.each([
    ['http://127.0.0.1:8765/callback?code=abc&state=xyz', 'http://127.0.0.1:8765/callback'],
    ['https://user:pass@erp.example.com/api/method/x#access_token=t', 'https://erp.example.com/api/method/x'],
    ['/api/resource/ToDo?filters=[]', '/api/resource/ToDo'],
    ['/api/resource/ToDo#frag', '/api/resource/ToDo'],
    ['//user:pw@host/path?q', '//host/path'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeUrl(input)).toBe(expected);
  });

  it('takes URL objects and rejects non-strings', () => {
    expect(sanitizeUrl(new URL('https://a.example/x?y=1'))).toBe('https://a.example/x');
    expect(sanitizeUrl(42 as unknown as string)).toBe('');
  });
});
