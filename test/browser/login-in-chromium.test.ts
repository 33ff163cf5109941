import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness';
import { startSite, USERS } from '../helpers/frappe-site';
import { freePort } from '../helpers/free-port';

/**
 * A real browser: headless Chromium (Debian's `chromium`, driven through playwright-core) opens the
 * authorize URL that `frappe-oauth login` prints, signs in on the emulator's /login page, clicks
 * Allow on the consent page and lands on the command's loopback receiver; the token ends up in the
 * command's store. `.ci/run` installs chromium with apt; `npx playwright install` is not used.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const BIN = join(process.cwd(), 'src/cli/index.ts');
const available = existsSync(CHROMIUM);
// In CI a missing browser is a failure (the test must run there); locally it is a skip, said why.
const inCi = Boolean(process.env.CI);

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `frappe-oauth login` as a real process; resolves the URL it prints and its exit. */
function startLogin(args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', BIN, 'login', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
      const match =
        /^(http:\/\/127\.0\.0\.1:\d+\/api\/method\/frappe\.integrations\.oauth2\.authorize\?\S+)$/m.exec(
          stderr,
        );
      if (match) resolve(match[1] as string);
    });
    child.once('exit', () => reject(new Error(`login exited before printing a URL: ${stderr}`)));
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { url, exit };
}

describe.skipIf(!available && !inCi)(
  `frappe-oauth login in headless Chromium (${available ? CHROMIUM : `skipped: no ${CHROMIUM}; .ci/run installs it`})`,
  () => {
    it.each(['v15', 'develop'] as const)(
      '%s: sign in, Allow, the loopback receiver, the token in the store',
      async (profile) => {
        expect(
          existsSync(CHROMIUM),
          `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`,
        ).toBe(true);
        const port = await freePort();
        const redirectUri = `http://127.0.0.1:${port}/callback`;
        const site = await startSite(profile, {
          clients: [
            {
              clientId: 'frappe-oauth',
              appName: 'frappe-oauth command line',
              scopes: ['all', 'openid'],
              redirectUris: [redirectUri],
              skipAuthorization: false, // the consent page is shown
            },
          ],
        });
        const home = tempDir('frappe-oauth-browser-home-');
        const login = startLogin(
          ['--url', site.url, '--client-id', 'frappe-oauth', '--redirect-uri', redirectUri, '--no-browser'],
          {
            XDG_CONFIG_HOME: home,
            HOME: home,
          },
        );
        const authorizeUrl = await login.url;

        const context = await chromium.launchPersistentContext(tempDir('frappe-oauth-chromium-'), {
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_ARGS,
        });
        cleanups.push(() => context.close());
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(authorizeUrl);
        // not signed in at the site: Frappe's /login page first
        expect(new URL(page.url()).pathname).toBe('/login');
        await page.fill('#login_email', USERS.alice.email);
        await page.fill('#login_password', USERS.alice.password);
        await page.click('#login-button');
        // then the consent page, which names the app
        await page.waitForSelector('#allow');
        expect(await page.textContent('body')).toContain('frappe-oauth command line');
        await page.click('#allow');
        // and the command's receiver
        await page.waitForURL((url) => url.toString().startsWith(redirectUri));
        expect(await page.textContent('h1')).toBe('Signed in');

        const result = await login.exit;
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ user: USERS.alice.email, baseUrl: site.url });
        // the token is in the command's store, for any later command
        expect(readdirSync(join(home, 'frappe-oauth', 'tokens')).length).toBeGreaterThan(0);
        const whoami = await cli(home, ['whoami']);
        expect(whoami.json()).toMatchObject({ user: USERS.alice.email });
        expect(site.issuedTokens()).toHaveLength(1);
      },
      120_000,
    );
  },
);
