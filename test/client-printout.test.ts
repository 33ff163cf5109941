/**
 * What a client shows when printed: `console.log(client)` (util.format), `util.inspect` at any
 * depth with hidden properties, `%o`, and `JSON.stringify` give the site, the client id and the
 * token key only — never the client secret, a token, an encryption key or a password, which the
 * client's internals all hold once it has signed someone in.
 */
import { randomBytes } from 'node:crypto';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { authorizeAs, CLIENT, clientFor, startSite, USERS } from './helpers/frappe-site';

describe('printing a FrappeOAuthClient', () => {
  it('shows the site, the client id and the token key, and no secret, in every printout', async () => {
    const site = await startSite('v15');
    const encryptionKey = randomBytes(32).toString('base64');
    const client = clientFor(site, { encryption: { keys: { k1: encryptionKey }, current: 'k1' } });
    const token = await authorizeAs(client, site, USERS.alice.email);
    const bob = client.withTokenKey('bob');
    await bob.loginWithPassword(USERS.bob.email, USERS.bob.password);
    const bobToken = await bob.getStoredToken();
    // Both clients are warm: tokens read, profile cached, a refresh lock and a store in use.
    await client.getProfile();
    await bob.getAccessToken();

    const secrets = [
      CLIENT.clientSecret,
      token.access_token,
      token.refresh_token,
      token.id_token,
      bobToken?.access_token,
      bobToken?.refresh_token,
      encryptionKey,
      USERS.bob.password,
    ].filter((value): value is string => typeof value === 'string' && value !== '');
    expect(secrets.length).toBeGreaterThanOrEqual(7);

    for (const [tokenKey, printed] of [
      [client.tokenKey, client],
      ['bob', bob],
    ] as const) {
      const printouts = {
        'console.log': format(printed),
        '%o': format('%o', printed),
        inspect: inspect(printed),
        'inspect, depth Infinity, showHidden': inspect(printed, {
          depth: Number.POSITIVE_INFINITY,
          showHidden: true,
          getters: true,
        }),
        'inspect of an object holding it': inspect(
          { nested: [printed] },
          { depth: Number.POSITIVE_INFINITY },
        ),
        'JSON.stringify': JSON.stringify(printed),
        'JSON.stringify of an object holding it': JSON.stringify({ nested: [printed] }),
      };
      for (const [how, text] of Object.entries(printouts)) {
        for (const secret of secrets) expect(text, `${how} shows a secret`).not.toContain(secret);
        expect(text, how).toContain(site.url);
        expect(text, how).toContain(CLIENT.clientId);
        expect(text, how).toContain(tokenKey);
      }
      expect(JSON.parse(JSON.stringify(printed))).toEqual({
        baseUrl: site.url,
        clientId: CLIENT.clientId,
        tokenKey,
      });
      expect(printouts['console.log']).toMatch(/^FrappeOAuthClient \{/);
    }
  });
});
