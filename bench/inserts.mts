/**
 * 5. 10,000 Customer inserts against the emulator (profile v15) for each way: insertMany (chunks
 *    of 200, one after another) and insertDoc at concurrency 1, 8 and 32. Documents per second.
 *
 * The emulator runs in this process, so the figure is the client's and the emulator's work
 * together on one core; it compares the ways of inserting with each other, not with a real site.
 */
import { FrappeOAuthClient } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';
import { ops, type Row, type Section, sideBySide, throughput } from './side-by-side.mjs';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' } as const;
const DOCUMENTS = 10_000;
const WARMUP = 200;
const CONCURRENCIES = [1, 8, 32] as const;
const ROUNDS = 4;

export async function run(): Promise<Section> {
  const site = await FrappeEmulator.start({
    profile: 'v15',
    clients: [{ ...CLIENT, scopes: ['all', 'openid'], redirectUris: [], skipAuthorization: true }],
  });
  const client = new FrappeOAuthClient({ baseUrl: site.url, ...CLIENT });
  let serial = 0;
  const nextDoc = (label: string) => ({
    customer_name: `Bench ${label} ${String(++serial).padStart(6, '0')}`,
    customer_type: 'Company',
    credit_limit: serial,
  });
  try {
    await client.loginWithPassword('Administrator', 'admin');
    const before = site.documentCount('Customer');

    // Warm both paths (and the emulator) up outside the measurement.
    await client.insertMany(
      'Customer',
      Array.from({ length: WARMUP }, () => nextDoc('warm')),
    );
    await throughput(() => client.insertDoc('Customer', nextDoc('warm')), WARMUP, 8);

    // 10,000 documents per way, as ROUNDS alternating rounds (the table grows as they go).
    const perRound = DOCUMENTS / ROUNDS;
    const contenders: Record<string, () => Promise<number>> = {
      insertMany: async () => {
        const docs = Array.from({ length: perRound }, () => nextDoc('many'));
        const t0 = performance.now();
        const names = await client.insertMany('Customer', docs);
        if (names.length !== perRound) throw new Error(`insertMany returned ${names.length} names`);
        return perRound / ((performance.now() - t0) / 1000);
      },
    };
    for (const concurrency of CONCURRENCIES) {
      contenders[`insertDoc c=${concurrency}`] = () =>
        throughput(() => client.insertDoc('Customer', nextDoc(`c${concurrency}`)), perRound, concurrency);
    }
    const measured = await sideBySide(contenders, { rounds: ROUNDS, warmup: 0 });
    const manyPerSecond = measured.insertMany?.median as number;
    const single = Object.fromEntries(
      CONCURRENCIES.map((c) => [c, measured[`insertDoc c=${c}`]?.median as number]),
    ) as Record<number, number>;
    const inserted = site.documentCount('Customer') - before;
    const expected = 2 * WARMUP + DOCUMENTS * (1 + CONCURRENCIES.length);
    if (inserted !== expected)
      throw new Error(`the emulator holds ${inserted} new documents, not ${expected}`);

    const rows: Row[] = [
      {
        benchmark: `5. ${DOCUMENTS.toLocaleString('en')} inserts: insertMany (chunks of 200)`,
        result: ops(manyPerSecond),
        baseline: '',
        ratio: '',
      },
      ...CONCURRENCIES.map((concurrency) => ({
        benchmark: `5. ${DOCUMENTS.toLocaleString('en')} inserts: insertDoc, concurrency ${concurrency}`,
        result: ops(single[concurrency] as number),
        baseline: `insertMany ${ops(manyPerSecond)}`,
        ratio: `${((single[concurrency] as number) / manyPerSecond).toFixed(2)}×`,
      })),
    ];
    return {
      id: 'inserts',
      title: 'inserts',
      rows,
      notes: [
        `5: ${DOCUMENTS.toLocaleString('en')} documents per way, in ${ROUNDS} alternating rounds of ${(DOCUMENTS / ROUNDS).toLocaleString('en')} after a ${WARMUP}-document warm-up;` +
          ' median docs/s of the rounds; client and emulator share this process (one core between them).',
      ],
      data: {
        documents: DOCUMENTS,
        rounds: ROUNDS,
        docsPerSecond: Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, v.rounds])),
      },
    };
  } finally {
    await client.close();
    await site.stop();
  }
}
