// A receiver for Frappe's signed webhooks, tested offline: the emulator plays the ERP and sends
// the webhook exactly as Frappe would (body bytes, signature, retries).
//   npx tsx examples/webhook-receiver.mts
// In production, point a Frappe Webhook (Integrations → Webhook, "Enable Security" with a secret)
// at this server's URL and give the receiver the same secret.
//
// With Express, the receiver is middleware (mount it before any body parser that reads the body):
//   app.post('/frappe/customer', createWebhookReceiver({ secret }), (req, res) => {
//     upsertCustomer(req.body);
//     res.sendStatus(204);
//   });
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookReceiver } from '../src/index.js';
import { FrappeEmulator } from '../src/testing/index.js';

const secret = process.env.FRAPPE_WEBHOOK_SECRET ?? 'change-me';

interface CustomerEvent {
  name: string;
  customer_group: string;
  credit_limit: number;
}

const server = createServer(
  createWebhookReceiver<CustomerEvent>({
    secret,
    // A rejection answers 500, so Frappe tries again (3 tries in all).
    onWebhook: async ({ data }) => {
      console.log(`received ${data.name} (${data.customer_group}, limit ${data.credit_limit})`);
    },
  }),
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/frappe/customer`;

const site = await FrappeEmulator.start({ profile: 'v15' });
site.webhooks.register({
  url,
  doctype: 'Customer',
  event: 'after_insert',
  secret,
  fields: ['name', 'customer_group', 'credit_limit'],
});
site.insertDocument('Customer', {
  customer_name: 'Webhook Demo Ltd.',
  customer_group: 'Commercial',
  credit_limit: 500,
});
await site.webhooks.settled();

// A forged request: the same body with another number, under the signature Frappe gave the real one.
const [sent] = site.webhooks.requestLog();
const forged = await fetch(url, {
  method: 'POST',
  body: String(sent?.data).replace('500.0', '999999.0'),
  headers: { 'X-Frappe-Webhook-Signature': String(sent?.headers['X-Frappe-Webhook-Signature']) },
});
console.log(`the emulator's delivery got ${sent?.status}; the forged one got ${forged.status}`);

await site.stop();
server.close();
