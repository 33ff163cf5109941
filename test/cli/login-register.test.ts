import { describe, expect, it } from 'vitest';
import { startSite, USERS } from '../helpers/frappe-site';
import { freePort } from '../helpers/free-port';
import { browse } from './browse';
import { cli, freshConfigHome } from './cli-harness';

/** Signs `user` in through the URL the command hands to the browser. */
function browserAs(site: Awaited<ReturnType<typeof startSite>>, user: string) {
  return async (url: string) => {
    setTimeout(() => void browse(url, site.sessionCookie(user)), 10);
    return true;
  };
}

describe('frappe-oauth login --register (v16 dynamic client registration)', () => {
  it('registers a public client for the loopback redirect URI, signs in, and keeps the client in the profile', async () => {
    const site = await startSite('v16', { developerMode: true });
    const home = freshConfigHome();
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const login = await cli(home, ['login', '--url', site.url, '--register', '--redirect-uri', redirectUri], {
      openBrowser: browserAs(site, USERS.alice.email),
    });
    expect(login.stderr).toMatch(/Registered OAuth client \S+ at/);
    expect(login.status, login.stderr).toBe(0);
    expect(login.json()).toMatchObject({ user: USERS.alice.email });
    const sites = (await cli(home, ['sites'])).json<{
      sites: Array<{ clientId: string; confidential: boolean; redirectUri: string }>;
    }>();
    expect(sites.sites).toHaveLength(1);
    expect(sites.sites[0]).toMatchObject({ confidential: false, redirectUri });
    expect(sites.sites[0]?.clientId).not.toBe('shop');
    // the registered client is a public one: its tokens came with PKCE alone
    expect(site.issuedTokens().at(-1)?.clientId).toBe(sites.sites[0]?.clientId);
    expect((await cli(home, ['whoami'])).json()).toMatchObject({ user: USERS.alice.email });
  });

  it('a production site refuses an http loopback redirect URI: a clear error, nothing saved', async () => {
    const site = await startSite('v16');
    const home = freshConfigHome();
    const run = await cli(home, [
      'login',
      '--url',
      site.url,
      '--register',
      '--redirect-uri',
      `http://127.0.0.1:${await freePort()}/callback`,
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/redirect/i);
    expect((await cli(home, ['sites'])).json()).toEqual({ default: null, sites: [] });
  });

  it('v15 has no registration: the error says so', async () => {
    const site = await startSite('v15');
    const home = freshConfigHome();
    const run = await cli(home, ['login', '--url', site.url, '--register']);
    expect(run.status).toBe(1);
    expect(run.stderr).not.toBe('');
  });
});
