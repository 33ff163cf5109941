/**
 * 3. 1,000 getDoc calls in flight across the refresh margin, against the emulator (profile v15).
 *
 * A refresh round moves the emulator's clock (advanceClock) until the client's token has 30 s
 * left, inside the 60 s refresh margin; five calls let the client see the server's new time (their
 * Date headers: the clock-skew estimate moves once five agree), then 1,000 getDoc calls start at once. The first of them starts the one
 * background refresh; all keep using the still-valid token. A steady round is the same burst
 * with the token far from its expiry. Rounds alternate; the figure is each round's p99 latency.
 */
import type { TokenEvent } from '../src/index.js';
import { FrappeOAuthClient } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';
import { burst, median, ms, percentile, ratio, type Section, sideBySide, verdict } from './side-by-side.mjs';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' } as const;
const IN_FLIGHT = 1000;
const ROUNDS = 5;
const LEFT_IN_MARGIN_S = 30;
const TOKEN_PATH = '/api/method/frappe.integrations.oauth2.get_token';

interface RefreshRound {
  p99: number;
  tokenRequests: number;
  otherAuthRequests: number;
  /** When the refresh finished, from the start of the burst. */
  refreshedAfterMs: number;
  burstMs: number;
}

export async function run(): Promise<Section> {
  const site = await FrappeEmulator.start({
    profile: 'v15',
    clients: [{ ...CLIENT, scopes: ['all', 'openid'], redirectUris: [], skipAuthorization: true }],
  });
  const client = new FrappeOAuthClient({ baseUrl: site.url, ...CLIENT });
  try {
    const [name] = site.generateDocuments('Customer', 1);
    const getDoc = () => client.getDoc('Customer', name as string);
    await client.loginWithPassword('Administrator', 'admin');
    let serverAheadS = 0;

    const refreshRounds: RefreshRound[] = [];
    const steadyTokenRequests: number[] = [];
    const steady = async () => {
      site.clearRequests();
      const latencies = await burst(getDoc, IN_FLIGHT);
      steadyTokenRequests.push(tokenRequests(site));
      return percentile(latencies, 99);
    };
    const acrossRefresh = async () => {
      const token = await client.getStoredToken();
      if (!token) throw new Error('no stored token');
      const advance = token.expires_at - (Date.now() / 1000 + serverAheadS) - LEFT_IN_MARGIN_S;
      site.advanceClock(advance);
      serverAheadS += advance;
      // The client believes the server's new time once ClockSkew.AGREEING answers agree on it.
      for (let i = 0; i < 5; i++) await getDoc();
      site.clearRequests();
      const refreshed = nextRefresh(client);
      const t0 = performance.now();
      const latencies = await burst(getDoc, IN_FLIGHT);
      const burstMs = performance.now() - t0;
      const refreshedAt = await refreshed;
      const log = site.requests();
      refreshRounds.push({
        p99: percentile(latencies, 99),
        tokenRequests: log.filter((entry) => entry.path === TOKEN_PATH).length,
        otherAuthRequests: log.filter((entry) => entry.path.includes('oauth2.') && entry.path !== TOKEN_PATH)
          .length,
        refreshedAfterMs: refreshedAt - t0,
        burstMs,
      });
      return percentile(latencies, 99);
    };
    const measured = await sideBySide({ steady, acrossRefresh }, { rounds: ROUNDS });
    // The first round of each is sideBySide's warm-up.
    refreshRounds.shift();
    steadyTokenRequests.shift();

    const steadyP99 = measured.steady.median;
    const refreshP99 = measured.acrossRefresh.median;
    const counts = refreshRounds.map((round) => round.tokenRequests);
    const exactlyOne = counts.every((count) => count === 1);
    const steadyClean = steadyTokenRequests.every((count) => count === 0);
    return {
      id: 'refresh',
      title: '1,000 calls across the refresh margin',
      rows: [
        {
          benchmark: `3. token requests per ${IN_FLIGHT.toLocaleString('en')} calls across the margin`,
          result: counts.join(', '),
          baseline: `steady: ${steadyTokenRequests.join(', ')}`,
          goal: 'exactly 1',
          verdict: verdict(exactlyOne && steadyClean),
        },
        {
          benchmark: `3. p99 latency, ${IN_FLIGHT.toLocaleString('en')} in flight, refresh vs steady`,
          result: ms(refreshP99, 1),
          baseline: ms(steadyP99, 1),
          ratio: ratio(refreshP99 / steadyP99),
          goal: '≤ 1.20×',
          verdict: verdict(refreshP99 / steadyP99 <= 1.2),
        },
      ],
      notes: [
        `3: ${ROUNDS} refresh rounds alternating with ${ROUNDS} steady ones (after one of each as warm-up), median of each round's p99;`,
        `   the token had ${LEFT_IN_MARGIN_S} s left (margin 60 s) when the burst started; the refresh finished ` +
          `${median(refreshRounds.map((r) => r.refreshedAfterMs)).toFixed(0)} ms into a ${median(refreshRounds.map((r) => r.burstMs)).toFixed(0)} ms burst (medians);` +
          ` other OAuth requests during refresh rounds: ${refreshRounds.map((r) => r.otherAuthRequests).join(', ')}.`,
      ],
      data: {
        inFlight: IN_FLIGHT,
        steadyP99Ms: measured.steady.rounds,
        refreshP99Ms: measured.acrossRefresh.rounds,
        refreshRounds,
        steadyTokenRequests,
      },
    };
  } finally {
    await client.close();
    await site.stop();
  }
}

function tokenRequests(site: FrappeEmulator): number {
  return site.requests().filter((entry) => entry.path === TOKEN_PATH).length;
}

/** Resolves the time (performance.now) of the client's next `refreshed` event. */
function nextRefresh(client: FrappeOAuthClient): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('token', listener);
      reject(new Error('no refresh within 10 s'));
    }, 10_000);
    const listener = (event: TokenEvent) => {
      if (event.type !== 'refreshed' && event.type !== 'refresh_failed') return;
      clearTimeout(timer);
      client.off('token', listener);
      if (event.type === 'refreshed') resolve(performance.now());
      else reject(new Error(`the refresh failed: ${event.error?.message}`));
    };
    client.on('token', listener);
  });
}
