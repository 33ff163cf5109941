import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrappeEmulator } from '../../../src/testing/index';
import { authorizeToCallback, login, OAUTH, postForm, query } from '../helpers/oauth-flow';
import { ALICE, CALLBACK, PROFILES, startSite } from './fixtures';

const get = (url: string, cookie?: string) =>
  fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe.each(PROFILES)('authorize (%s)', (profile) => {
  // v16 shipped what these tests once called develop-only; develop keeps it.
  const v16Plus = profile === 'v16' || profile === 'develop';
  let site: FrappeEmulator;
  let cookie: string;
  beforeAll(async () => {
    site = await startSite(profile);
    cookie = await login(site, ALICE.email, ALICE.password);
  });
  afterAll(() => site.stop());

  const authorizeUrl = (params: Record<string, string | undefined>) =>
    `${site.url}${OAUTH}.authorize?${query(params)}`;

  it('sends a Guest to /login with the full authorize URL, spaces as %20', async () => {
    const url = authorizeUrl({ client_id: 'shop', response_type: 'code', scope: 'all openid', state: 's 1' });
    const response = await get(url);
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith('/login?redirect-to=')).toBe(true);
    const encoded = location.slice('/login?redirect-to='.length);
    expect(encoded).not.toContain('+');
    expect(encoded).toContain('%2F');
    expect(decodeURIComponent(encoded)).toBe(url);
  });

  it('redirects a logged-in user with consent skipped to the client, per profile', async () => {
    const response = await get(
      authorizeUrl({
        client_id: 'shop',
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: 'all openid',
        state: 'xyz',
      }),
      cookie,
    );
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '', site.url);
    if (v16Plus) {
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
      expect(location.searchParams.get('state')).toBe('xyz');
    } else {
      expect(location.pathname).toBe(`${OAUTH}.approve`);
      expect(location.search).toContain('scope=all%20openid');
      expect(location.searchParams.get('redirect_uri')).toBe(CALLBACK);
      const approved = await get(location.href, cookie);
      expect(approved.status).toBe(302);
      const final = new URL(approved.headers.get('location') ?? '');
      expect(`${final.origin}${final.pathname}`).toBe(CALLBACK);
      expect(final.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
      expect(final.searchParams.get('state')).toBe('xyz');
    }
  });

  it('works with a session from the sessionCookie control, and omits state when none was sent', async () => {
    const callback = await authorizeToCallback(site, site.sessionCookie(ALICE.email), {
      client_id: 'shop',
      response_type: 'code',
    });
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.has('state')).toBe(false);
    expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('keeps a query string already on the redirect URI', async () => {
    const callback = await authorizeToCallback(site, cookie, {
      client_id: 'shop',
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:8765/other?x=1',
      state: 'a b',
    });
    expect(callback.search).toMatch(/^\?x=1&code=[A-Za-z0-9]{30}&state=a\+b$/);
  });

  it('shows the consent page with Allow per profile and a blind Deny link', async () => {
    const response = await get(
      authorizeUrl({ client_id: 'consent', response_type: 'code', redirect_uri: CALLBACK, state: 'st' }),
      cookie,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Confirm Access');
    expect(html).toContain('Consent App');
    expect(html).toContain('<li>Full Name</li>');
    expect(html).not.toContain('<li>openid</li>');
    expect(html).toContain(`href="${CALLBACK}?error=access_denied"`);
    if (v16Plus) {
      expect(html).toMatch(
        /<form method="POST" action="\/api\/method\/frappe\.integrations\.oauth2\.approve\?/,
      );
      expect(html).toMatch(/name="csrf_token" value="[0-9a-f]+"/);
    } else {
      expect(html).toMatch(/<a [^>]*id="allow" href="\/api\/method\/frappe\.integrations\.oauth2\.approve\?/);
      expect(html).not.toContain('csrf_token');
    }
    const callback = await authorizeToCallback(site, cookie, {
      client_id: 'consent',
      response_type: 'code',
      redirect_uri: CALLBACK,
      state: 'st',
    });
    expect(callback.searchParams.get('state')).toBe('st');
    expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('accepts approve by GET on v14/v15 only; develop is POST-only (403)', async () => {
    const url = `${site.url}${OAUTH}.approve?${query({ client_id: 'consent', response_type: 'code', redirect_uri: CALLBACK })}`;
    const response = await get(url, cookie);
    if (v16Plus) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as { exc_type: string }).exc_type).toBe('PermissionError');
      // The consent page gave this session a CSRF token: the POST must carry it.
      const fresh = site.sessionCookie(ALICE.email);
      const page = await get(url.replace('.approve?', '.authorize?'), fresh);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1];
      expect(csrf).toBeDefined();
      expect((await postForm(url, {}, { cookie: fresh })).status).toBe(400);
      const posted = await postForm(url, { csrf_token: csrf }, { cookie: fresh });
      expect(posted.status).toBe(302);
      expect(new URL(posted.headers.get('location') ?? '').searchParams.get('code')).toMatch(
        /^[A-Za-z0-9]{30}$/,
      );
    } else {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toMatch(
        /^http:\/\/127\.0\.0\.1:8765\/callback\?code=[A-Za-z0-9]{30}$/,
      );
    }
  });

  it('refuses approve for a Guest', async () => {
    const response = await postForm(
      `${site.url}${OAUTH}.approve?${query({ client_id: 'shop', response_type: 'code' })}`,
      {},
    );
    expect(response.status).toBe(403);
  });

  it.each([
    [{ client_id: 'nope', response_type: 'code' }, 400, 'invalid_request'],
    [{ response_type: 'code' }, 400, 'invalid_request'],
    [
      { client_id: 'shop', response_type: 'code', redirect_uri: 'http://evil.example/cb' },
      400,
      'invalid_request',
    ],
    [{ client_id: 'shop', response_type: 'code', redirect_uri: `${CALLBACK}/` }, 400, 'invalid_request'],
    [{ client_id: 'shop', response_type: 'code', scope: 'all write' }, 401, 'invalid_scope'],
    [{ client_id: 'shop' }, 400, 'invalid_request'],
    [{ client_id: 'shop', response_type: 'banana' }, 400, 'unsupported_response_type'],
    [{ client_id: 'shop', response_type: 'token' }, 401, 'unauthorized_client'],
    [
      { client_id: 'shop', response_type: 'code', code_challenge: 'abc', code_challenge_method: 's256' },
      400,
      'invalid_request',
    ],
    [{ client_id: 'sales-only', response_type: 'code' }, 400, 'invalid_request'],
  ])('answers validation errors as Frappe JSON: %j', async (params, status, error) => {
    const user =
      'client_id' in params && params.client_id === 'sales-only'
        ? site.sessionCookie('bob@example.com')
        : cookie;
    const response = await get(authorizeUrl(params), user);
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['description', 'status_code', 'error']);
    expect(body.status_code).toBe(status);
    expect(body.error).toBe(error);
  });

  it('lets a user with an allowed role through', async () => {
    const callback = await authorizeToCallback(site, cookie, {
      client_id: 'sales-only',
      response_type: 'code',
    });
    expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('returns the access token in the fragment for implicit clients', async () => {
    const callback = await authorizeToCallback(site, cookie, {
      client_id: 'implicit',
      response_type: 'token',
      scope: 'all openid',
      state: 'imp',
    });
    expect(callback.search).toBe('');
    const fragment = new URLSearchParams(callback.hash.slice(1));
    expect([...fragment.keys()]).toEqual(['access_token', 'token_type', 'expires_in', 'scope', 'state']);
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('expires_in')).toBe('3600');
    expect(fragment.get('scope')).toBe('all openid');
    expect(fragment.get('state')).toBe('imp');
    const me = await fetch(`${site.url}/api/method/frappe.auth.get_logged_user`, {
      headers: { authorization: `Bearer ${fragment.get('access_token')}` },
    });
    expect(await me.json()).toEqual({ message: ALICE.email });
  });
});
