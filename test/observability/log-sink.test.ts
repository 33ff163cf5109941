import { describe, expect, it } from 'vitest';
import { createLogSink, type FrappeLogger } from '../../src/observability/log-sink';
import { SecretSet } from '../../src/redaction/secret-set';

const SECRET = 'tok3n-Secret-9f8e7d';
const secrets = () => new SecretSet([SECRET]);

/** A logger that records each call's arguments. */
function recording(extra: object = {}): { logger: FrappeLogger; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const method = (...args: unknown[]) => {
    calls.push(args);
  };
  return { logger: { debug: method, info: method, warn: method, error: method, ...extra }, calls };
}

describe('the log sink', () => {
  it('calls a plain logger with the text and then the fields (winston merges them)', () => {
    const { logger, calls } = recording();
    createLogSink(logger, secrets)('info', 'GET /api/resource/Customer → 200', { status: 200, route: '/r' });
    expect(calls).toEqual([
      [
        '[frappe-oauth-client] GET /api/resource/Customer → 200',
        { library: 'frappe-oauth-client', status: 200, route: '/r' },
      ],
    ]);
  });

  it('calls pino fields first, as pino wants', () => {
    const { logger, calls } = recording({ [Symbol.for('pino.serializers')]: {} });
    createLogSink(logger, secrets)('debug', 'hello', { attempt: 2 });
    expect(calls).toEqual([[{ library: 'frappe-oauth-client', attempt: 2 }, '[frappe-oauth-client] hello']]);
  });

  it('gives console the text only', () => {
    const original = console.info;
    const calls: unknown[][] = [];
    console.info = (...args: unknown[]) => {
      calls.push(args);
    };
    try {
      createLogSink(console, secrets)('info', 'refresh done', { fingerprint: 'abcd1234' });
    } finally {
      console.info = original;
    }
    expect(calls).toEqual([['[frappe-oauth-client] refresh done']]);
  });

  it('redacts every secret the client holds from the text and from every field, in echoed forms too', () => {
    const { logger, calls } = recording();
    createLogSink(logger, secrets)('warn', `the site said Bearer ${SECRET}`, {
      path: `/api/method/x/${encodeURIComponent(SECRET)}`,
      note: JSON.stringify({ token: SECRET }),
    });
    const text = JSON.stringify(calls);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
    expect(text).toContain('[redacted]');
  });

  it('skips a level the logger lacks or has turned off, without building the line', () => {
    const { logger, calls } = recording({ isLevelEnabled: (level: string) => level !== 'debug' });
    let built = 0;
    const log = createLogSink(logger, () => {
      built += 1;
      return SecretSet.NONE;
    });
    log('debug', 'not written');
    log('info', 'written');
    createLogSink({ warn: () => undefined }, () => {
      built += 1;
      return SecretSet.NONE;
    })('debug', 'no debug method');
    expect(calls.map((call) => call[0])).toEqual(['[frappe-oauth-client] written']);
    expect(built).toBe(1);
  });

  it('contains a logger that throws or rejects', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const log = createLogSink(
        {
          info: () => {
            throw new Error('logger down');
          },
          warn: (() => Promise.reject(new Error('logger down'))) as unknown as FrappeLogger['warn'],
        },
        secrets,
      );
      expect(() => log('info', 'a')).not.toThrow();
      expect(() => log('warn', 'b', { x: 1 })).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
