/**
 * The OAuth-bearer cases of `frappe/tests/test_auth.py`, newest develop version: the class
 * `TestExplicitCredentialCSRF` (an unsafe request with a logged-in `sid` cookie and an
 * `Authorization` header, no CSRF token, through the whole app), replayed over HTTP on the develop
 * profile. Its cookie session comes from `login_as`, a session without a CSRF token: the
 * `sessionCookie` control with `strictCsrf`. Frappe writes a ToDo's description; the emulator has no
 * ToDo doctype, so the probe document is an Item's description. Earlier stored versions of this file have no
 * OAuth-bearer case.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { listNotPortable, type NotPortableTest, startFrappeTestSite, TEST_CLIENT } from './frappe-fixtures';

const NOT_PORTABLE = [
  {
    test: 'test_rejected_credential_never_reaches_the_before_request_stage (develop), the hook half',
    reason:
      'it patches a before_request hook into the app and reads what the hook recorded; the emulator runs no app hooks (the status codes and the untouched document are replayed below)',
  },
] as const satisfies readonly NotPortableTest[];

const PROBE = 'explicit credential csrf probe';
const ADMIN = 'Administrator';
const OTHER_USER = { email: '_test_csrf_other_user@example.com', password: 'other-pass' };

describe('Frappe test_auth.py TestExplicitCredentialCSRF (develop) on the develop profile', () => {
  let site: FrappeEmulator;
  let name: string;
  let cookie: string;

  beforeEach(async () => {
    site = await startFrappeTestSite('develop');
    name = String(
      site.insertDocument('Item', {
        item_code: 'CSRF-PROBE',
        item_name: 'CSRF probe',
        item_group: 'Products',
        stock_uom: 'Nos',
        description: PROBE,
      }).name,
    );
    cookie = site.sessionCookie(ADMIN, { strictCsrf: true });
  });
  afterEach(() => site.stop());

  function apiCredentials(email: string): string {
    const key = `key-${email}`;
    const user =
      email === ADMIN ? { email: ADMIN, password: 'admin', roles: ['System Manager'] } : { ...OTHER_USER };
    site.addUser({ ...user, apiKey: key, apiSecret: 'secret' });
    return `${key}:secret`;
  }

  /** `cookie_request`: a JSON PUT with the sid cookie, no CSRF token, and maybe a credential. */
  async function cookiePut(description: string, authorization?: string) {
    const response = await fetch(`${site.url}/api/resource/Item/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: {
        cookie,
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ description }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  const stored = () => site.getDocument('Item', name)?.description;

  it('test_api_key_credential_updates_a_document_without_a_csrf_token (develop)', async () => {
    const pair = apiCredentials(ADMIN);
    for (const authorization of [`token ${pair}`, `Basic ${Buffer.from(pair).toString('base64')}`]) {
      const description = `updated with ${authorization.split(' ')[0]} credentials`;
      const result = await cookiePut(description, authorization);
      expect(result.status).toBe(200);
      expect(stored()).toBe(description);
    }
  });

  it('test_oauth_bearer_credential_updates_a_document_without_a_csrf_token (develop)', async () => {
    const { accessToken } = site.issueToken({ clientId: TEST_CLIENT.clientId, user: ADMIN, scopes: ['all'] });
    const result = await cookiePut('updated with an oauth bearer token', `Bearer ${accessToken}`);
    expect(result.status).toBe(200);
    expect(stored()).toBe('updated with an oauth bearer token');
  });

  it('test_rejected_credential_never_reaches_the_before_request_stage (develop)', async () => {
    const other = apiCredentials(OTHER_USER.email);
    const own = apiCredentials(ADMIN);
    for (const [authorization, status] of [
      ['Bearer notatoken', 400],
      [`token ${other}`, 400],
      ['token an-unknown-api-key:an-unknown-api-secret', 401],
    ] as const) {
      const result = await cookiePut('rejected before the hooks', authorization);
      expect(result.status, authorization).toBe(status);
      expect(stored()).toBe(PROBE);
    }
    const accepted = await cookiePut('accepted after authentication', `token ${own}`);
    expect(accepted.status).toBe(200);
    expect(stored()).toBe('accepted after authentication');
  });

  it('test_credential_of_another_user_with_a_cookie_session_is_rejected (develop)', async () => {
    const result = await cookiePut(
      "forged with another user's api key",
      `token ${apiCredentials(OTHER_USER.email)}`,
    );
    expect(result.status).toBe(400);
    expect(result.json.exc_type).toBe('CSRFTokenError');
    expect(stored()).toBe(PROBE);
  });

  it('test_unauthenticated_credential_with_a_cookie_session_is_rejected (develop)', async () => {
    const result = await cookiePut('forged with a bearer token', 'Bearer notatoken');
    expect(result.status).toBe(400);
    expect(result.json.exc_type).toBe('CSRFTokenError');
    expect(stored()).toBe(PROBE);
  });

  it('test_cookie_session_without_a_credential_is_rejected (develop)', async () => {
    const result = await cookiePut('updated with no credential at all');
    expect(result.status).toBe(400);
    expect(result.json.exc_type).toBe('CSRFTokenError');
    expect(stored()).toBe(PROBE);
  });

  listNotPortable(NOT_PORTABLE);
});
