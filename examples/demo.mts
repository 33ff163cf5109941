/**
 * `npm run demo`: the SDK's main job on the embedded emulator, with no set-up. It starts emulated
 * Frappe sites, walks the token lifecycle — sign-in, one validation, a refresh ahead of expiry, a
 * token expired at the site, a write, a real permission error told apart from an expired token on
 * v14, logout — then runs a checkpointed sync that is killed half-way and resumed. Each step
 * prints what happened and the request counts, read from the emulator's request log, that prove
 * it. Non-interactive: no browser, no stdin; exits 0 when every step did what it says.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthorizationRequiredError,
  createFileStore,
  FrappeOAuthClient,
  FrappePermissionError,
  type TokenEvent,
} from '../src/index.js';
import { type EmulatorProfileName, FrappeEmulator } from '../src/testing/index.js';

const REDIRECT_URI = 'http://127.0.0.1:8765/callback';
const TOKEN = 'frappe.integrations.oauth2.get_token';
const PROFILE = 'frappe.integrations.oauth2.openid_profile';
const ALICE = { email: 'alice@example.com', password: 'alice-pass', roles: ['Sales User'] };
const startedAt = Date.now();
const work = mkdtempSync(join(tmpdir(), 'frappe-oauth-demo-'));

// A demo that hangs is a failed demo.
const deadline = setTimeout(() => fail('the demo did not finish within 280 s'), 280_000);
deadline.unref();

function fail(message: string): never {
  console.error(`\nDEMO FAILED: ${message}`);
  process.exit(1);
}

function check(condition: boolean, what: string): void {
  if (!condition) fail(what);
  console.log(`   ✓ ${what}`);
}

function step(title: string): void {
  console.log(`\n== ${title}`);
}

/** How many requests to a path (suffix) the site served after `mark` (an index in its log). */
function served(site: FrappeEmulator, suffix: string, mark = 0, status?: number): number {
  return site
    .requests()
    .slice(mark)
    .filter((entry) => entry.path.endsWith(suffix) && (status === undefined || entry.status === status))
    .length;
}

/** What a signed-in browser does with an authorize URL: follow Frappe's redirects to the callback. */
async function browserApproves(site: FrappeEmulator, url: string, user: string): Promise<string> {
  const cookie = site.sessionCookie(user);
  let next = url;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie } });
    const location = response.headers.get('location');
    if (!location) fail(`authorize stopped at HTTP ${response.status}`);
    next = new URL(location, next).toString();
    if (next.startsWith(REDIRECT_URI)) return next;
  }
  return fail('too many redirects');
}

/** A clock the demo moves forward, for the client and the site together (as real time would). */
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;
function timePasses(site: FrappeEmulator, seconds: number): void {
  offsetMs += seconds * 1000;
  site.advanceClock(seconds);
}

/** An emulated site with alice and the confidential `shop` client, its consent screen skipped. */
function startShopSite(profile: EmulatorProfileName): Promise<FrappeEmulator> {
  return FrappeEmulator.start({
    profile,
    users: [ALICE],
    clients: [
      {
        clientId: 'shop',
        clientSecret: 'shop-secret',
        redirectUris: [REDIRECT_URI],
        skipAuthorization: true,
      },
    ],
  });
}

function clientOn(site: FrappeEmulator, store = createFileStore(join(work, `store-${site.profile}`))) {
  const client = new FrappeOAuthClient({
    baseUrl: site.url,
    clientId: 'shop',
    clientSecret: 'shop-secret',
    redirectUri: REDIRECT_URI,
    store,
    clock,
  });
  const events: TokenEvent['type'][] = [];
  client.on('token', (event) => {
    events.push(event.type);
    console.log(`   event: ${event.type}${event.fingerprint ? ` (token ${event.fingerprint})` : ''}`);
  });
  return { client, events, store };
}

async function lifecycleOnV15(): Promise<void> {
  const site = await startShopSite('v15');
  console.log(`emulated Frappe v15 at ${site.url}; tokens in a file store under ${work}`);
  const { client, events, store } = clientOn(site);
  try {
    step('1. sign in: authorization code + PKCE (the browser is simulated with a session cookie)');
    const url = await client.getAuthorizationUrl();
    const stored = await client.handleCallback(await browserApproves(site, url, ALICE.email));
    console.log(
      `   signed in as ${stored.user ?? ALICE.email}; id_token verified (HS256 with the client secret)`,
    );
    check(served(site, TOKEN) === 1, `one token request (${served(site, TOKEN)})`);

    step('2. validate once: another process loads the stored token and makes 20 calls at once');
    const other = clientOn(site, store).client;
    let mark = site.requests().length;
    await Promise.all(Array.from({ length: 20 }, () => other.getList('Customer', { limit: 1 })));
    const probes = served(site, PROFILE, mark);
    console.log(
      `   openid_profile ${probes}, token requests ${served(site, TOKEN, mark)}, Customer lists ${served(site, '/api/resource/Customer', mark)}`,
    );
    check(probes <= 1 && served(site, TOKEN, mark) === 0, 'at most one validation for 20 calls, no refresh');
    await other.close();

    step('3. a proactive refresh: 59 minutes later the token has 60 s left, inside the refresh margin');
    timePasses(site, 3600 - 59);
    mark = site.requests().length;
    const refreshed = new Promise<void>((resolve) => client.once('token', () => resolve()));
    await client.getList('Customer', { limit: 1 });
    await refreshed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    while (!events.includes('refreshed')) await new Promise((resolve) => setTimeout(resolve, 20));
    console.log(
      `   token requests ${served(site, TOKEN, mark)}, failed calls ${served(site, '/api/resource/Customer', mark, 401)}`,
    );
    check(served(site, TOKEN, mark) === 1, 'refreshed once, ahead of expiry, with no call failing');

    step('4. a token the site expired before its time (say its clock runs ahead): the 401 path');
    site.expireToken((await client.getStoredToken())?.access_token as string);
    mark = site.requests().length;
    const rows = await client.getList('Customer', { limit: 3 });
    console.log(
      `   401 answers ${served(site, '/api/resource/Customer', mark, 401)}, token requests ${served(site, TOKEN, mark)}, then ${rows.length} rows`,
    );
    check(
      served(site, TOKEN, mark) === 1 && rows.length === 3,
      'one refresh on the 401, the call retried once and served',
    );

    step('5. a write');
    mark = site.requests().length;
    const created = await client.insertDoc<{ name: string }>('Customer', {
      customer_name: 'Demo Customer',
      customer_group: 'Commercial',
    });
    check(site.getDocument('Customer', created.name) !== undefined, `created Customer "${created.name}"`);
    check(served(site, '/api/resource/Customer', mark) === 1, 'one POST, never repeated');

    step('6. logout');
    await client.logout();
    const revoked = site.issuedTokens().filter((token) => token.status === 'Revoked').length;
    const after = await client.getAccessToken().catch((error: unknown) => error);
    check(after instanceof AuthorizationRequiredError, 'after logout a sign-in is required');
    console.log(`   pairs revoked at the site: ${revoked}`);
  } finally {
    await client.close();
    await site.stop();
  }
}

async function permissionOrExpiryOnV14(): Promise<void> {
  step('7. v14: a 403 is either a real permission error or an expired token (v14 runs it as Guest)');
  const site = await startShopSite('v14');
  offsetMs = 0; // a new site, with a clock of its own
  const { client } = clientOn(site);
  try {
    await client.loginWithPassword(ALICE.email, ALICE.password); // v14 still has the password grant
    let mark = site.requests().length;
    const denied = await client
      .insertDoc('Item', { item_code: 'DEMO', item_name: 'Demo', item_group: 'Products', stock_uom: 'Nos' })
      .catch((error: unknown) => error);
    console.log(
      `   a Sales User creates an Item: 403s ${served(site, '/api/resource/Item', mark, 403)}, probes ${served(site, PROFILE, mark)}, token requests ${served(site, TOKEN, mark)}`,
    );
    check(
      denied instanceof FrappePermissionError,
      'FrappePermissionError: the token is alive, the role lacks the right',
    );
    check(served(site, TOKEN, mark) === 0, 'no refresh for a real permission error');

    // A minute later (a token just proven alive is trusted for 30 s), the token expires at the site.
    timePasses(site, 60);
    site.expireToken((await client.getStoredToken())?.access_token as string);
    mark = site.requests().length;
    const rows = await client.getList('Customer', { limit: 2 });
    console.log(
      `   with the token expired at the site: 403s ${served(site, '/api/resource/Customer', mark, 403)}, probes ${served(site, PROFILE, mark)}, token requests ${served(site, TOKEN, mark)}`,
    );
    check(
      rows.length === 2 && served(site, TOKEN, mark) === 1,
      'the 403 was an expired token: one refresh, then served',
    );
  } finally {
    await client.close();
    await site.stop();
  }
}

/** Runs the sync example in its own process; kills it after `killAfterLines` progress lines. */
function runSync(site: FrappeEmulator, dir: string, killAfterLines?: number) {
  const script = fileURLToPath(new URL('./sync-customers.mts', import.meta.url));
  return new Promise<{ output: string; killed: boolean }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        FRAPPE_URL: site.url,
        FRAPPE_CLIENT_ID: 'shop',
        FRAPPE_CLIENT_SECRET: 'shop-secret',
        FRAPPE_USER: ALICE.email,
        FRAPPE_PASSWORD: ALICE.password,
        SYNC_DIR: dir,
        SYNC_PAGE_SIZE: '200',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let killed = false;
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      for (const line of String(chunk).trim().split('\n')) console.log(`   [sync] ${line}`);
      if (killAfterLines !== undefined && !killed && output.trim().split('\n').length >= killAfterLines) {
        killed = true;
        child.kill('SIGKILL');
        console.log('   [demo] killed the sync job (SIGKILL)');
      }
    });
    child.once('exit', () => resolve({ output, killed }));
  });
}

async function syncKilledAndResumed(): Promise<void> {
  step('8. a checkpointed sync of Customers, killed half-way and resumed');
  const site = await FrappeEmulator.start({
    profile: 'v15',
    users: [ALICE],
    clients: [{ clientId: 'shop', clientSecret: 'shop-secret', redirectUris: [REDIRECT_URI] }],
  });
  const dir = join(work, 'sync');
  try {
    site.generateDocuments('Customer', 1200);
    const total = site.documentCount('Customer');
    // Every page answers slowly, so the kill lands while the job waits for a page.
    site.injectFault('/api/resource/Customer', { kind: 'delay', ms: 400 }, { times: 1000 });
    const first = await runSync(site, dir, 2);
    site.clearFaults();
    const firstPages = served(site, '/api/resource/Customer');
    const mirror = createFileStore(join(dir, 'customers'));
    let mark = site.requests().length;
    const second = await runSync(site, dir);
    const resumedPages = served(site, '/api/resource/Customer', mark);
    const synced = Number(/done, (\d+) customers synced/.exec(second.output)?.[1] ?? -1);
    let mirrored = 0;
    for (let i = 1; i <= 1200; i++) {
      if ((await mirror.get(`Generated Customer ${String(i).padStart(6, '0')}`)) !== undefined) mirrored += 1;
    }
    console.log(
      `   killed run: ${firstPages} page requests; resumed run: ${resumedPages} page requests, ${synced} rows`,
    );
    console.log(
      `   token requests: ${served(site, TOKEN)} (the first run's password sign-in; the resumed run reused the stored token)`,
    );
    console.log(
      '   (at-least-once: the page the job was on when it died is read again; the upsert makes that harmless)',
    );
    check(first.killed, 'the first run was killed before it finished');
    check(
      synced > 0 && synced < total,
      `the resumed run started from the checkpoint (${synced} of ${total} rows)`,
    );
    check(mirrored === 1200, 'every generated Customer is in the mirror');
    mark = site.requests().length;
    const third = await runSync(site, dir);
    check(/done, 0 customers synced/.test(third.output), 'a third run finds nothing new');
    check(served(site, TOKEN, mark) === 0, 'and needs no token request');
  } finally {
    await site.stop();
  }
}

try {
  await lifecycleOnV15();
  await permissionOrExpiryOnV14();
  await syncKilledAndResumed();
  console.log(
    `\nDemo finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: every step did what it says.`,
  );
} catch (error) {
  fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
} finally {
  rmSync(work, { recursive: true, force: true });
}
