import { afterEach, describe, expect, it } from 'vitest';
import { type Shop, startShop } from '../../examples/shop-login-with-frappe.mjs';
import { countRequests, startSite, USERS } from '../helpers/frappe-site';

const shops: Shop[] = [];
afterEach(async () => {
  await Promise.all(shops.splice(0).map((shop) => shop.close()));
});

/** A browser with one cookie for the shop, signed in at Frappe as `user`. */
class Browser {
  private shopCookie = '';
  constructor(
    private readonly frappeCookie: string,
    private readonly shop: Shop,
  ) {}

  /** A request to the shop, keeping its cookie; no redirects followed. */
  async shopRequest(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(new URL(path, this.shop.url), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.shopCookie },
    });
    const set = response.headers.getSetCookie().find((cookie) => cookie.startsWith('shop_session='));
    if (set) this.shopCookie = set.split(';')[0] as string;
    return response;
  }

  /** "Login with Frappe": /login, Frappe's redirects (consent skipped), back to the callback URL. */
  async startLogin(): Promise<string> {
    const login = await this.shopRequest('/login');
    let next = login.headers.get('location') as string;
    for (let hop = 0; hop < 5 && !next.startsWith(this.shop.redirectUri); hop++) {
      const response = await fetch(next, { redirect: 'manual', headers: { cookie: this.frappeCookie } });
      next = new URL(response.headers.get('location') as string, next).toString();
    }
    return next;
  }

  async signIn(): Promise<void> {
    const callback = await this.startLogin();
    const done = await this.shopRequest(callback.slice(this.shop.url.length));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/');
  }
}

async function shopAndSite() {
  const site = await startSite('v15');
  const shop = await startShop({
    frappeUrl: site.url,
    clientId: 'shop-web',
    clientSecret: 'shop-web-secret',
  });
  shops.push(shop);
  site.addClient({
    clientId: 'shop-web',
    clientSecret: 'shop-web-secret',
    redirectUris: [shop.redirectUri],
    skipAuthorization: true,
  });
  return { site, shop };
}

describe('examples/shop-login-with-frappe', () => {
  it('Login with Frappe, Items as the user, a Sales Order as an ERP user allowed to, a permission error shown as such', async () => {
    const { site, shop } = await shopAndSite();
    const admin = new Browser(site.sessionCookie('Administrator'), shop);
    expect(await (await admin.shopRequest('/')).text()).toContain('Login with Frappe');
    expect((await admin.shopRequest('/items')).status).toBe(401);
    await admin.signIn();
    expect(await (await admin.shopRequest('/')).text()).toContain('Signed in as Adm');
    const items = (await (await admin.shopRequest('/items')).json()) as Array<{ item_code: string }>;
    expect(items.length).toBeGreaterThan(0);
    const customer = (site.insertDocument('Customer', { customer_name: 'Shop Buyer' }) as { name: string })
      .name;
    const order = await admin.shopRequest('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer, items: [{ item_code: items[0]?.item_code, qty: 2, rate: 10 }] }),
    });
    expect(order.status).toBe(201);
    const { name } = (await order.json()) as { name: string };
    expect(site.getDocument('Sales Order', name)).toMatchObject({ customer, owner: 'Administrator' });

    // alice is a Sales User: she may read Items but only read Sales Orders
    const alice = new Browser(site.sessionCookie(USERS.alice.email), shop);
    await alice.signIn();
    expect(await (await alice.shopRequest('/')).text()).toContain(`Signed in as ${USERS.alice.email}`);
    const tokenRequests = countRequests(site, 'frappe.integrations.oauth2.get_token');
    const refused = await alice.shopRequest('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer, items: [{ item_code: items[0]?.item_code, qty: 1 }] }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'permission' });
    // a permission error, not a dead token: no refresh, no "sign in again"
    expect(countRequests(site, 'frappe.integrations.oauth2.get_token')).toBe(tokenRequests);

    const logout = await alice.shopRequest('/logout', { method: 'POST' });
    expect(logout.status).toBe(302);
    expect(
      site
        .issuedTokens()
        .filter((token) => token.user === USERS.alice.email)
        .every((token) => token.status === 'Revoked'),
    ).toBe(true);
  });

  it('refuses a callback opened in another browser (login CSRF)', async () => {
    const { site, shop } = await shopAndSite();
    const attacker = new Browser(site.sessionCookie(USERS.bob.email), shop);
    const callback = await attacker.startLogin();
    const victim = new Browser(site.sessionCookie(USERS.alice.email), shop);
    const forged = await victim.shopRequest(callback.slice(shop.url.length));
    expect(forged.status).toBe(400);
    expect((await victim.shopRequest('/items')).status).toBe(401);
    expect(countRequests(site, 'frappe.integrations.oauth2.get_token')).toBe(0);
  });
});
