import { describe, expect, it } from 'vitest';
import { countRequests, startSite, USERS } from '../helpers/frappe-site';
import { freePort } from '../helpers/free-port';
import { browse } from './browse';
import { cli, freshConfigHome } from './cli-harness';

describe.each(['v15', 'develop'] as const)('frappe-oauth login in the browser on %s', (profile) => {
  it('a public client with PKCE through the loopback receiver; the token is stored for later commands', async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const site = await startSite(profile, {
      clients: [
        { clientId: 'cli', scopes: ['all', 'openid'], redirectUris: [redirectUri], skipAuthorization: true },
      ],
    });
    const home = freshConfigHome();
    const opened: string[] = [];
    let landed = 0;
    const login = await cli(
      home,
      ['login', '--url', site.url, '--client-id', 'cli', '--redirect-uri', redirectUri],
      {
        openBrowser: async (url) => {
          opened.push(url);
          // the "browser" comes back later, as a person would
          setTimeout(() => {
            void browse(url, site.sessionCookie(USERS.alice.email)).then((status) => {
              landed = status;
            });
          }, 10);
          return true;
        },
      },
    );
    expect(login.stderr).toContain('Opened your browser');
    expect(login.status).toBe(0);
    expect(opened).toHaveLength(1);
    const authorize = new URL(opened[0] as string);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUri);
    expect(login.json()).toMatchObject({ user: USERS.alice.email, site: 'default' });
    expect(landed).toBe(200); // the receiver's "Signed in" page
    // a public client cannot check the HS256 id_token: the user was confirmed at openid_profile
    expect(countRequests(site, 'frappe.integrations.oauth2.openid_profile')).toBeGreaterThanOrEqual(1);
    const whoami = await cli(home, ['whoami']);
    expect(whoami.json()).toMatchObject({ user: USERS.alice.email });
  });
});

describe('frappe-oauth login without a browser', () => {
  it('with --no-browser (or $CI) prints the URL and opens nothing; gives up after --timeout', async () => {
    const site = await startSite('v15');
    const home = freshConfigHome();
    const port = await freePort();
    let opened = 0;
    const run = await cli(
      home,
      [
        'login',
        '--url',
        site.url,
        '--client-id',
        'shop',
        '--redirect-uri',
        `http://127.0.0.1:${port}/callback`,
        '--timeout',
        '1',
      ],
      {
        env: { CI: 'true' },
        openBrowser: async () => {
          opened += 1;
          return true;
        },
      },
    );
    expect(opened).toBe(0);
    expect(run.stderr).toContain('To sign in, open this URL in a browser');
    expect(run.stderr).toContain(`${site.url}/api/method/frappe.integrations.oauth2.authorize?`);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    // nothing saved: a failed login leaves no profile behind
    expect((await cli(home, ['sites'])).json()).toEqual({ default: null, sites: [] });
  });
});
