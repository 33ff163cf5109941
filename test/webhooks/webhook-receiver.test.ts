import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookReceiver,
  type FrappeWebhook,
  type WebhookReceiver,
  type WebhookRequest,
} from '../../src';
import { FrappeEmulator } from '../../src/testing';
import { type EmulatorProfileName, PROFILE_NAMES } from '../../src/testing/profiles';

const SECRET = 'receiver-secret';
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function emulator(profile: EmulatorProfileName) {
  const site = await FrappeEmulator.start({ profile, port: 0 });
  stops.push(() => site.stop());
  site.webhooks.retryDelayScale = 0;
  return site;
}

/** Express's calling convention, without Express: middleware, then the route, `next(err)` → 500. */
function expressLike(
  middleware: WebhookReceiver,
  route: (request: WebhookRequest, response: ServerResponse) => void,
  bodyParser?: (request: WebhookRequest) => Promise<void>,
) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const req = request as WebhookRequest;
    if (bodyParser) await bodyParser(req);
    await middleware(req, response, (error) => {
      if (error) {
        response.statusCode = 500;
        response.end(String((error as Error).message));
        return;
      }
      route(req, response);
    });
  };
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(PROFILE_NAMES)('createWebhookReceiver with the emulator on %s', (profile) => {
  it('a webhook the emulator delivers passes (node:http); a tampered or unsigned one gets 401', async () => {
    const got: FrappeWebhook[] = [];
    const url = await listen(
      createWebhookReceiver({ secret: SECRET, onWebhook: (webhook) => void got.push(webhook) }),
    );
    const site = await emulator(profile);
    site.webhooks.register({
      url,
      doctype: 'Customer',
      event: 'after_insert',
      secret: SECRET,
      fields: ['name', 'credit_limit'],
    });
    site.insertDocument('Customer', {
      customer_name: 'Müller GmbH',
      customer_group: 'Commercial',
      credit_limit: 3,
    });
    await site.webhooks.settled();

    const [delivery] = site.webhooks.requestLog();
    expect(delivery).toMatchObject({ status: 200, attempt: 1 });
    expect(got).toHaveLength(1);
    expect(got[0]?.data).toEqual({ name: 'Müller GmbH', credit_limit: 3 });
    expect(got[0]?.rawBody.toString()).toBe('{"name": "M\\u00fcller GmbH", "credit_limit": 3.0}');

    // The same signature on other bytes: one character changed, or re-serialised by JavaScript.
    const signature = String(delivery?.headers['X-Frappe-Webhook-Signature']);
    const tampered = String(delivery?.data).replace('3.0', '4.0');
    for (const body of [tampered, JSON.stringify(JSON.parse(String(delivery?.data)))]) {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'X-Frappe-Webhook-Signature': signature },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'invalid signature' });
    }
    const unsigned = await fetch(url, { method: 'POST', body: String(delivery?.data) });
    expect(unsigned.status).toBe(401);
    const replayed = await fetch(url, {
      method: 'POST',
      body: String(delivery?.data),
      headers: { 'X-Frappe-Webhook-Signature': signature },
    });
    expect(replayed.status).toBe(200);
    expect(got).toHaveLength(2);
  });

  it("a webhook signed with another secret is refused with 401 on every one of Frappe's tries", async () => {
    const url = await listen(createWebhookReceiver({ secret: SECRET, onWebhook: () => undefined }));
    const site = await emulator(profile);
    site.webhooks.register({
      url,
      doctype: 'Customer',
      event: 'after_insert',
      secret: 'someone-else',
      fields: ['name'],
    });
    site.insertDocument('Customer', { customer_name: 'Wrong Secret Ltd.', customer_group: 'Commercial' });
    await site.webhooks.settled();
    expect(site.webhooks.requestLog().map((entry) => entry.status)).toEqual([401, 401, 401]);
  });

  it('as Express middleware: sets req.body and calls next; a raw Buffer body works; a parsed body is a setup error', async () => {
    const bodies: unknown[] = [];
    const route = (request: WebhookRequest, response: ServerResponse) => {
      bodies.push(request.body);
      response.statusCode = 204;
      response.end();
    };
    const plain = await listen(expressLike(createWebhookReceiver({ secret: SECRET }), route));
    const raw = await listen(
      expressLike(createWebhookReceiver({ secret: SECRET }), route, async (request) => {
        request.body = await readAll(request); // express.raw()
      }),
    );
    const parsed = await listen(
      expressLike(createWebhookReceiver({ secret: SECRET }), route, async (request) => {
        request.body = JSON.parse((await readAll(request)).toString()); // express.json() on a typed body
      }),
    );
    const site = await emulator(profile);
    for (const url of [plain, raw, parsed])
      site.webhooks.register({
        url,
        doctype: 'Customer',
        event: 'after_insert',
        secret: SECRET,
        fields: ['name'],
      });
    site.insertDocument('Customer', { customer_name: 'Express Ltd.', customer_group: 'Commercial' });
    await site.webhooks.settled();

    const statusOf = (url: string) =>
      site.webhooks
        .requestLog()
        .filter((entry) => entry.url === url)
        .map((entry) => entry.status);
    expect(statusOf(plain)).toEqual([204]);
    expect(statusOf(raw)).toEqual([204]);
    expect(statusOf(parsed)).toEqual([500, 500, 500]);
    expect(bodies).toEqual([{ name: 'Express Ltd.' }, { name: 'Express Ltd.' }]);
  });
});

describe('createWebhookReceiver', () => {
  it('refuses bad options with a TypeError', () => {
    expect(() => createWebhookReceiver({ secret: '' })).toThrow(TypeError);
    expect(() => createWebhookReceiver({ secret: [] })).toThrow(TypeError);
    expect(() => createWebhookReceiver({ secret: 's', maxBodyBytes: 0 })).toThrow(TypeError);
  });

  it('answers 413 past maxBodyBytes, 400 for a signed body that is not JSON, 500 when the handler fails', async () => {
    const { createHmac } = await import('node:crypto');
    const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('base64');
    const url = await listen(
      createWebhookReceiver({
        secret: ['old-secret', SECRET],
        maxBodyBytes: 64,
        onWebhook: ({ data }) => {
          if ((data as { fail?: boolean }).fail) throw new Error('downstream failed');
        },
      }),
    );
    const post = (body: string) =>
      fetch(url, { method: 'POST', body, headers: { 'X-Frappe-Webhook-Signature': sign(body) } });
    expect((await post('{"ok": 1}')).status).toBe(200);
    expect((await post(`{"pad": "${'x'.repeat(100)}"}`)).status).toBe(413);
    expect((await post('not json')).status).toBe(400);
    expect((await post('{"fail": true}')).status).toBe(500);
  });
});
