import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands';
import { countRequests, startSite, USERS } from '../helpers/frappe-site';
import { auditLine, expectNoSecretsLeaked } from '../helpers/secret-audit';
import { cli, freshConfigHome } from './cli-harness';

afterAll(() => {
  expectNoSecretsLeaked();
});

const KEY = Buffer.alloc(32, 7).toString('base64');

/** A v15 site and a config folder signed in as alice with the password grant. */
async function signedIn(options: { key?: string; user?: { email: string; password: string } } = {}) {
  const user = options.user ?? USERS.alice;
  const site = await startSite('v15');
  const home = freshConfigHome();
  const login = await cli(
    home,
    [
      'login',
      '--url',
      site.url,
      '--client-id',
      'shop',
      '--client-secret',
      'shop-secret',
      '--password',
      '--user',
      user.email,
      ...(options.key ? ['--key', options.key] : []),
    ],
    { stdin: `${user.password}\n` },
  );
  auditLine(login.stdout + login.stderr);
  expect(login.stderr).toContain('Signed in');
  expect(login.status).toBe(0);
  return { site, home, login };
}

describe('frappe-oauth --help', () => {
  it('lists every subcommand, and each has its own --help', async () => {
    const home = freshConfigHome();
    const top = await cli(home, ['--help']);
    expect(top.status).toBe(0);
    for (const command of COMMANDS) {
      expect(top.stdout).toContain(`  ${command.name} `);
      const own = await cli(home, [command.name, '--help']);
      expect(own.status).toBe(0);
      expect(own.stdout).toContain(`Usage: frappe-oauth ${command.name}`);
    }
    expect(COMMANDS.map((command) => command.name)).toEqual(
      expect.arrayContaining([
        'login',
        'whoami',
        'token',
        'logout',
        'get',
        'list',
        'call',
        'insert',
        'update',
        'delete',
        'typegen',
        'emulator',
      ]),
    );
  });

  it('a wrong command line exits 2 with a message on stderr and nothing on stdout', async () => {
    const home = freshConfigHome();
    for (const argv of [
      ['frobnicate'],
      ['list'],
      ['list', 'Customer', '--bogus'],
      ['get', 'Customer'],
      ['whoami'],
    ]) {
      const run = await cli(home, argv);
      expect(run.status, argv.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toBe('');
    }
  });
});

describe('signed in with --password', () => {
  it('login prints the user as JSON; whoami and token work from the stored token (0600 files, 0700 folders)', async () => {
    const { site, home, login } = await signedIn();
    expect(login.json()).toMatchObject({ site: 'default', baseUrl: site.url, user: USERS.alice.email });
    const whoami = await cli(home, ['whoami']);
    expect(whoami.json()).toMatchObject({
      user: USERS.alice.email,
      roles: expect.arrayContaining(['Sales User']),
    });
    const token = await cli(home, ['token']);
    const issued = site.issuedTokens().at(-1);
    expect(token.json()).toMatchObject({ accessToken: issued?.accessToken, tokenType: 'Bearer' });
    const raw = await cli(home, ['token', '--raw']);
    expect(raw.stdout).toBe(`${issued?.accessToken}\n`);
    const folder = join(home, 'frappe-oauth');
    for (const sub of ['', 'tokens', 'locks']) expect(statSync(join(folder, sub)).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'sites.json')).mode & 0o777).toBe(0o600);
    for (const file of readdirSync(join(folder, 'tokens'))) {
      expect(statSync(join(folder, 'tokens', file)).mode & 0o777).toBe(0o600);
    }
  });

  it('token refreshes an expired token, once, and a later process sees the new one', async () => {
    const { site, home } = await signedIn();
    const before = site.issuedTokens().at(-1)?.accessToken;
    site.advanceClock(3700);
    site.clearRequests();
    const first = await cli(home, ['token', '--raw']);
    const second = await cli(home, ['token', '--raw']);
    expect(first.stdout).not.toBe(`${before}\n`);
    expect(second.stdout).toBe(first.stdout);
    expect(countRequests(site, 'frappe.integrations.oauth2.get_token')).toBe(1);
  });

  it('get, list (json, ndjson, csv, filters, --all with progress) and call', async () => {
    const { site, home } = await signedIn();
    site.generateDocuments('Customer', 1234);
    const total = site.documentCount('Customer');
    const doc = await cli(home, ['get', 'Customer', 'Generated Customer 000007']);
    expect(doc.json()).toMatchObject({ name: 'Generated Customer 000007', doctype: 'Customer' });
    const page = await cli(home, [
      'list',
      'Customer',
      '--fields',
      'name,customer_group',
      '--limit',
      '3',
      '--order-by',
      'name asc',
    ]);
    expect(page.json<unknown[]>()).toHaveLength(3);
    const filtered = await cli(home, [
      'list',
      'Customer',
      '--fields',
      'name,customer_group',
      '--filter',
      'customer_group=Commercial',
      '--limit',
      '0',
      '--format',
      'ndjson',
    ]);
    const rows = filtered.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { customer_group: string });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.customer_group === 'Commercial')).toBe(true);
    const csv = await cli(home, [
      'list',
      'Customer',
      '--fields',
      'name,customer_name',
      '--limit',
      '2',
      '--format',
      'csv',
      '--order-by',
      'name asc',
    ]);
    expect(csv.stdout.split('\r\n')[0]).toBe('name,customer_name');
    expect(csv.stdout.split('\r\n')).toHaveLength(4);
    site.clearRequests();
    const all = await cli(home, [
      'list',
      'Customer',
      '--all',
      '--page-size',
      '200',
      '--format',
      'ndjson',
      '--progress',
    ]);
    const names = all.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { name: string }).name);
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(total);
    expect(all.stderr).toContain(`${total}/${total} 100%`);
    expect(countRequests(site, '/api/resource/Customer')).toBe(
      Math.ceil(total / 200) + (total % 200 === 0 ? 1 : 0),
    );
    // a bar by default only when stderr is a terminal and the rows go to a file or a pipe
    const toFile = await cli(home, ['list', 'Customer', '--all', '--fields', 'name'], { stderrIsTTY: true });
    expect(toFile.stderr).toContain(`\rCustomer [${'#'.repeat(24)}] ${total}/${total} 100%\n`);
    const onTerminal = await cli(home, ['list', 'Customer', '--all', '--fields', 'name'], {
      stderrIsTTY: true,
      stdoutIsTTY: true,
    });
    expect(onTerminal.stderr).toBe(`${total} rows\n`);
    const json = await cli(home, ['list', 'Customer', '--all', '--fields', 'name']);
    expect(json.stderr).toBe('');
    expect(json.json<unknown[]>()).toHaveLength(total);
    // only the fields asked for, although iterateList also reads modified for its keyset
    expect(Object.keys(json.json<object[]>()[0] ?? {})).toEqual(['name']);
    const count = await cli(home, ['call', 'frappe.client.get_count', '--arg', 'doctype=Customer']);
    expect(count.json()).toBe(total);
  });

  it('is read-only without --write: nothing is sent; with --write insert, update and delete work', async () => {
    const { site, home } = await signedIn({ user: USERS.admin });
    site.clearRequests();
    for (const argv of [
      ['insert', 'Customer', '--data', '{"customer_name":"CLI Customer"}'],
      ['update', 'Customer', 'Generated Customer 000001', '--data', '{"territory":"Europe"}'],
      ['delete', 'Customer', 'CLI Customer'],
    ]) {
      const run = await cli(home, argv);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--write');
    }
    expect(site.requests()).toEqual([]);
    const inserted = await cli(home, [
      'insert',
      'Customer',
      '--data',
      '{"customer_name":"CLI Customer","customer_group":"Commercial"}',
      '--write',
    ]);
    expect(inserted.json()).toMatchObject({ name: 'CLI Customer' });
    const updated = await cli(home, ['update', 'Customer', 'CLI Customer', '--data', '-', '--write'], {
      stdin: '{"territory":"Europe"}',
    });
    expect(updated.stderr).toBe('');
    expect(updated.json()).toMatchObject({ territory: 'Europe' });
    expect(site.getDocument('Customer', 'CLI Customer')).toMatchObject({ territory: 'Europe' });
    const deleted = await cli(home, ['delete', 'Customer', 'CLI Customer', '--write']);
    expect(deleted.stderr).toBe('');
    expect(deleted.json()).toEqual({ doctype: 'Customer', name: 'CLI Customer', deleted: true });
    expect(site.getDocument('Customer', 'CLI Customer')).toBeUndefined();
  });

  it('a real permission error is told as such (exit 1), not as a sign-in', async () => {
    const { home } = await signedIn();
    const run = await cli(home, [
      'insert',
      'Item',
      '--data',
      '{"item_code":"X","item_name":"X","item_group":"Products","stock_uom":"Nos"}',
      '--write',
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('permission denied');
  });

  it('logout revokes the token at the site; then commands ask for a sign-in (exit 3)', async () => {
    const { site, home } = await signedIn();
    const out = await cli(home, ['logout']);
    expect(out.json()).toEqual({ site: 'default', loggedOut: true });
    expect(site.issuedTokens().at(-1)?.status).toBe('Revoked');
    const after = await cli(home, ['whoami']);
    expect(after.status).toBe(3);
    expect(after.stderr).toContain('frappe-oauth login');
  });
});

describe('profiles and encryption at rest', () => {
  it('with --key the stored token is sealed; without the key it cannot be read', async () => {
    const { site, home } = await signedIn({ key: KEY });
    const tokens = join(home, 'frappe-oauth', 'tokens');
    const accessToken = site.issuedTokens().at(-1)?.accessToken as string;
    for (const file of readdirSync(tokens))
      expect(readFileSync(join(tokens, file), 'utf8')).not.toContain(accessToken);
    const withKey = await cli(home, ['whoami'], { env: { FRAPPE_OAUTH_KEY: KEY } });
    expect(withKey.status).toBe(0);
    // the client secret in sites.json is sealed too
    expect(readFileSync(join(home, 'frappe-oauth', 'sites.json'), 'utf8')).not.toContain('shop-secret');
    const without = await cli(home, ['whoami']);
    expect(without.status).toBe(2);
    expect(without.stderr).toContain('the client secret of site "default" is encrypted');
    const wrong = await cli(home, ['whoami', '--key', Buffer.alloc(32, 9).toString('base64')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('does not open with this key');
    // a public client has no secret to seal: then a missing key shows at the token
    const publicSite = await startSite('v15');
    const publicHome = freshConfigHome();
    const publicLogin = await cli(
      publicHome,
      [
        'login',
        '--url',
        publicSite.url,
        '--client-id',
        'shop',
        '--password',
        '--user',
        USERS.alice.email,
        '--key',
        KEY,
      ],
      { env: { FRAPPE_OAUTH_PASSWORD: USERS.alice.password } },
    );
    expect(publicLogin.status).toBe(0);
    const publicWithout = await cli(publicHome, ['whoami']);
    expect(publicWithout.status).toBe(1);
    expect(publicWithout.stderr).toContain('--key');
    // re-login with the key keeps the sealed secret usable
    const again = await cli(home, ['login', '--password', '--user', USERS.alice.email, '--key', KEY], {
      env: { FRAPPE_OAUTH_PASSWORD: USERS.alice.password },
    });
    expect(again.status, again.stderr).toBe(0);
  });

  it('takes the key from a command (an OS keyring, a password manager); a failing command stops', async () => {
    const { site, home } = await signedIn({ key: KEY });
    const command = `${JSON.stringify(process.execPath)} -e "process.stdout.write(process.env.DEMO_KEY + '\\n')"`;
    const viaCommand = await cli(home, ['whoami', '--key-command', command], { env: { DEMO_KEY: KEY } });
    expect(viaCommand.stderr).toBe('');
    expect(viaCommand.json()).toMatchObject({ user: USERS.alice.email, baseUrl: site.url });
    const viaEnv = await cli(home, ['whoami'], { env: { FRAPPE_OAUTH_KEY_COMMAND: command, DEMO_KEY: KEY } });
    expect(viaEnv.status).toBe(0);
    const failing = await cli(home, [
      'whoami',
      '--key-command',
      `${JSON.stringify(process.execPath)} -e "process.exit(4)"`,
    ]);
    expect(failing.status).toBe(2);
    expect(failing.stderr).toContain('failed (exit status 4)');
    const silent = await cli(home, ['whoami', '--key-command', `${JSON.stringify(process.execPath)} -e ""`]);
    expect(silent.stderr).toContain('printed nothing');
  });

  it('keeps one profile per --site; sites lists them without secrets', async () => {
    const { site, home } = await signedIn();
    const other = await startSite('v14');
    const second = await cli(
      home,
      [
        'login',
        '--site',
        'old',
        '--url',
        other.url,
        '--client-id',
        'shop',
        '--password',
        '--user',
        USERS.bob.email,
      ],
      {
        env: { FRAPPE_OAUTH_PASSWORD: USERS.bob.password },
      },
    );
    expect(second.status).toBe(0);
    expect((await cli(home, ['whoami'])).json()).toMatchObject({
      user: USERS.alice.email,
      baseUrl: site.url,
    });
    expect((await cli(home, ['whoami', '--site', 'old'])).json()).toMatchObject({
      user: USERS.bob.email,
      baseUrl: other.url,
    });
    expect((await cli(home, ['whoami'], { env: { FRAPPE_OAUTH_SITE: 'old' } })).json()).toMatchObject({
      user: USERS.bob.email,
    });
    const sites = await cli(home, ['sites']);
    expect(sites.stdout).not.toContain('shop-secret');
    expect(sites.json()).toMatchObject({
      default: 'default',
      sites: [
        { name: 'default', confidential: true },
        { name: 'old', confidential: false },
      ],
    });
    expect((await cli(home, ['whoami', '--site', 'nope'])).status).toBe(2);
    expect((await cli(home, ['whoami', '--site', '../x'])).status).toBe(2);
  });
});
