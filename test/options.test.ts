import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrappeConfigurationError, FrappeOAuthClient, type FrappeOAuthClientOptions } from '../src';
import { OPTION_TABLE } from '../src/option-table';
import { resolveOptions } from '../src/options';
import { REFRESH_RETRY_DEPRECATION } from '../src/retry-options';
import {
  advanceTime,
  authorizeAs,
  clientFor,
  countRequests,
  ManualClock,
  startSite,
  TOKEN_PATH,
  USERS,
} from './helpers/frappe-site';
import { runNode } from './helpers/run-node';
import { expectNoSecretsLeaked } from './helpers/secret-audit';

afterAll(() => {
  expectNoSecretsLeaked();
});

const BASE = { baseUrl: 'https://erp.example.com', clientId: 'shop' };

/** What resolveOptions throws for `options`, or undefined when it accepts them. */
function refusal(options: unknown): unknown {
  try {
    resolveOptions(options as FrappeOAuthClientOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Values each option refuses; a Record, so that a new option without any is a compile error. */
const BAD_VALUES: Record<keyof FrappeOAuthClientOptions, unknown[]> = {
  baseUrl: [undefined, '', 'erp.example.com', 'ftp://erp.example.com', 42],
  clientId: [undefined, '', '  ', 42],
  clientSecret: [42, {}],
  redirectUri: ['', 'callback', 42, null],
  scopes: [['open id'], [''], 'openid all', [42]],
  store: [{}, null, 'redis://localhost', { get: () => undefined, set: () => true }],
  encryption: ['k1', null, { current: 'k1' }],
  tokenKey: ['', 42],
  refreshMarginSeconds: [-1, Number.NaN, '60', Number.POSITIVE_INFINITY],
  issuer: ['', 42, null],
  discovery: ['yes', 1, null],
  timeoutMs: [0, -5, '30000', Number.NaN],
  storeTimeoutMs: [0, '5000'],
  maxResponseBytes: [0, '1mb'],
  transport: ['fetch', '', null, 2],
  apiVersion: ['v3', 'V2', null],
  refreshLock: [{}, null, () => undefined],
  logger: [null, 5, 'console'],
  userAgent: ['app\r\nX-Injected: 1', 5],
  openTelemetry: [null, true, 'otel', { tracerProvider: {} }, { meterProvider: 5 }],
  allowInsecureHttp: ['true', 1, null],
  revokeSupersededTokens: ['false', 0],
  importedTokenLifetimeSeconds: [0, '300'],
  pendingAuthorizationTtlSeconds: [0, -1],
  retry: [5, null, 'fast', [], { retries: -1 }, { minDelayMs: '1' }, { maxRetryAfterSeconds: Number.NaN }],
  refreshRetry: [5, null, 'fast', { retries: -1 }, { minDelayMs: -1 }, { maxTimeoutMs: '2' }],
  refreshCooldownSeconds: [-1, '30'],
  clock: [5, 'Date.now', {}],
  random: [0.5, 'Math.random'],
};

describe('resolveOptions', () => {
  it('fills in the defaults of every row', () => {
    const resolved = resolveOptions(BASE);
    expect(resolved).toMatchObject({
      baseUrl: 'https://erp.example.com',
      origin: 'https://erp.example.com',
      clientSecret: undefined,
      scopes: ['openid', 'all'],
      storeInProcess: true,
      cipher: undefined,
      tokenKey: 'default',
      refreshMarginSeconds: 60,
      issuer: 'https://erp.example.com',
      discoverIssuer: false,
      timeoutMs: 30_000,
      storeTimeoutMs: 5000,
      maxResponseBytes: 32 * 1024 * 1024,
      transport: 'axios',
      apiVersion: 'v1',
      logger: {},
      userAgent: 'frappe-oauth-client',
      allowInsecureHttp: false,
      revokeSupersededTokens: false,
      importedTokenLifetimeSeconds: 300,
      pendingAuthorizationTtlSeconds: 600,
      retry: { retries: 3, minDelayMs: 250, maxDelayMs: 4000, maxRetryAfterSeconds: 30 },
      refreshRetry: { retries: 3, minDelayMs: 200, maxDelayMs: 2000 },
      refreshCooldownSeconds: 30,
      clock: Date.now,
      random: Math.random,
    });
  });

  it('keeps loopback http allowed, and discovery only without an issuer', () => {
    expect(resolveOptions({ ...BASE, baseUrl: 'http://127.0.0.1:8000' }).allowInsecureHttp).toBe(true);
    expect(resolveOptions({ ...BASE, discovery: true }).discoverIssuer).toBe(true);
    expect(
      resolveOptions({ ...BASE, discovery: true, issuer: 'https://sso.example.com' }).discoverIssuer,
    ).toBe(false);
  });

  it('refuses what is not an options object', () => {
    for (const options of [undefined, null, 'https://erp.example.com', 42]) {
      const error = refusal(options);
      expect(error).toBeInstanceOf(FrappeConfigurationError);
      expect((error as Error).message).toBe('FrappeOAuthClient needs an options object');
    }
  });

  describe.each(Object.keys(OPTION_TABLE) as (keyof FrappeOAuthClientOptions)[])('%s', (name) => {
    it.each(BAD_VALUES[name].map((value) => [value]))(
      'refuses %j with FrappeConfigurationError naming it',
      (value) => {
        const error = refusal({ ...BASE, [name]: value });
        expect(error).toBeInstanceOf(FrappeConfigurationError);
        expect((error as Error).message).toContain(name);
      },
    );
  });

  // Whatever a configuration file or an environment variable puts in an option, the constructor
  // accepts it or refuses it with FrappeConfigurationError: never a TypeError from inside.
  const ODD_VALUES: unknown[] = [null, 0, -1, 1.5, '', 'x', true, false, [], [1], {}, () => 1, Symbol('s')];
  it.each(Object.keys(OPTION_TABLE))(
    '%s: any odd value is accepted or FrappeConfigurationError',
    async (name) => {
      for (const value of ODD_VALUES) {
        let client: FrappeOAuthClient | undefined;
        try {
          client = new FrappeOAuthClient({ ...BASE, [name]: value } as FrappeOAuthClientOptions);
        } catch (error) {
          expect(error, `${name}: ${String(value)}`).toBeInstanceOf(FrappeConfigurationError);
        }
        await client?.close();
      }
    },
  );

  it.each([
    [{ clientId: '' }, 'clientId must be a non-empty string'],
    [{ tokenKey: '' }, 'tokenKey must be a non-empty string'],
    [{ timeoutMs: 0 }, 'timeoutMs must be a positive number'],
    [{ refreshMarginSeconds: -1 }, 'refreshMarginSeconds must be a number ≥ 0'],
    [{ retry: 5 }, 'retry must be an object'],
    [{ retry: { retries: -1 } }, 'retry.retries must be a number ≥ 0'],
    [{ refreshRetry: { retries: -1 } }, 'refreshRetry.retries must be a number ≥ 0'],
    [{ refreshRetry: { minTimeoutMs: -1 } }, 'refreshRetry.minTimeoutMs must be a number ≥ 0'],
    [{ refreshRetry: { maxDelayMs: -1 } }, 'refreshRetry.maxDelayMs must be a number ≥ 0'],
    [{ store: {} }, 'store must be a Keyv instance (get, set, delete)'],
    [{ transport: 'fetch' }, "transport must be 'axios' or 'undici'"],
    [{ baseUrl: 'https://user:pw@erp.example.com' }, 'baseUrl must not carry credentials'],
    [
      { baseUrl: 'http://erp.example.com' },
      'refusing plain http to erp.example.com: tokens would travel unencrypted; use https, or set allowInsecureHttp',
    ],
    [{ baseUrl: 'https://erp.example.com/app' }, 'baseUrl must be the site root'],
  ])('keeps the message of %j', (options, message) => {
    expect((refusal({ ...BASE, ...options }) as Error).message).toContain(message);
  });
});

describe('refreshRetry: one vocabulary with retry', () => {
  it('takes minDelayMs/maxDelayMs, and the deprecated minTimeoutMs/maxTimeoutMs alike', () => {
    const current = resolveOptions({ ...BASE, refreshRetry: { retries: 1, minDelayMs: 5, maxDelayMs: 50 } });
    const deprecated = resolveOptions({
      ...BASE,
      refreshRetry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 50 },
    });
    expect(current.refreshRetry).toEqual({ retries: 1, minDelayMs: 5, maxDelayMs: 50 });
    expect(deprecated.refreshRetry).toEqual(current.refreshRetry);
    // One of each spelling: each setting from the name it was given in.
    expect(
      resolveOptions({ ...BASE, refreshRetry: { minDelayMs: 7, maxTimeoutMs: 70 } }).refreshRetry,
    ).toEqual({
      retries: 3,
      minDelayMs: 7,
      maxDelayMs: 70,
    });
  });

  it.each([
    [{ minDelayMs: 1, minTimeoutMs: 1 }, 'minDelayMs', 'minTimeoutMs'],
    [{ maxDelayMs: 5, maxTimeoutMs: 9 }, 'maxDelayMs', 'maxTimeoutMs'],
  ])('refuses both names of one setting: %j', (refreshRetry, name, oldName) => {
    const error = refusal({ ...BASE, refreshRetry });
    expect(error).toBeInstanceOf(FrappeConfigurationError);
    expect((error as Error).message).toBe(
      `refreshRetry.${name} and refreshRetry.${oldName} are one setting (${oldName} is its deprecated name): give only ${name}`,
    );
  });

  it.each([
    ['the new names', { retries: 2, minDelayMs: 1, maxDelayMs: 2 }],
    ['the deprecated names', { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 }],
  ])(
    'a failing token endpoint is retried refreshRetry.retries times with %s',
    async (_label, refreshRetry) => {
      const site = await startSite('v15');
      const clock = new ManualClock();
      const client = clientFor(site, { clock: clock.now, refreshRetry, retry: { retries: 0 } });
      const first = await authorizeAs(client, site, USERS.alice.email);
      advanceTime(site, clock, 3700);
      // Two failures, then the third token request (the second retry) gets the new pair.
      site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 2 });
      site.clearRequests();
      const callers = await Promise.all(Array.from({ length: 5 }, () => client.getAccessToken()));
      expect(new Set(callers).size).toBe(1);
      expect(callers[0]).not.toBe(first.access_token);
      expect(countRequests(site, TOKEN_PATH)).toBe(3);
    },
  );

  it('with no retries a failing token endpoint is asked once', async () => {
    const site = await startSite('v15');
    const clock = new ManualClock();
    const client = clientFor(site, { clock: clock.now, refreshRetry: { retries: 0, minDelayMs: 1 } });
    await authorizeAs(client, site, USERS.alice.email);
    advanceTime(site, clock, 3700);
    site.injectFault(/get_token$/, { kind: 'status', status: 503 }, { times: 5 });
    site.clearRequests();
    await expect(client.getAccessToken()).rejects.toThrow();
    expect(countRequests(site, TOKEN_PATH)).toBe(1);
  });
});

describe('the deprecation warning of minTimeoutMs/maxTimeoutMs, in a fresh process', () => {
  // vitest runs from the repository root.
  const FIXTURE = join(process.cwd(), 'test/fixtures/refresh-retry-spelling.mts');

  it.each([
    ['old', [REFRESH_RETRY_DEPRECATION]],
    ['new', []],
  ])('spelling %s: warnings %j', async (spelling, expected) => {
    const { code, stdout, killed } = await runNode(FIXTURE, { SPELLING: spelling }, 20_000);
    expect(killed).toBe(false);
    expect(code).toBe(0);
    expect(stdout).toContain(`warnings ${JSON.stringify(expected)}`);
    // Node prints each warning once on stderr: three clients, one line.
    expect(stdout.split(`[${REFRESH_RETRY_DEPRECATION}]`).length - 1).toBe(expected.length);
  });

  it('mixed spellings of different settings work and warn once', async () => {
    const { code, stdout } = await runNode(FIXTURE, { SPELLING: 'mixed' }, 20_000);
    expect(code).toBe(0);
    expect(stdout).toContain(`warnings ${JSON.stringify([REFRESH_RETRY_DEPRECATION])}`);
  });
});
