/**
 * A script that uses the token `frappe-oauth login` keeps: no OAuth code of its own. It asks the
 * command for the site and a token valid right now (`frappe-oauth token` refreshes it when needed,
 * shared with every other frappe-oauth process), then calls Frappe's REST API with plain fetch.
 *
 *   frappe-oauth login --url https://erp.example.com --client-id <id>   # once, in a browser
 *   npx tsx examples/script-with-cli-token.mts [--site NAME]
 *
 * The same from a shell:
 *
 *   curl -H "Authorization: Bearer $(frappe-oauth token --raw)" \
 *     "https://erp.example.com/api/resource/Customer?limit_page_length=5"
 *
 * FRAPPE_OAUTH names the command when it is not on the PATH (in this repository:
 * FRAPPE_OAUTH="npx tsx src/cli/index.ts").
 */
import { execFileSync } from 'node:child_process';

const [command = 'frappe-oauth', ...prefix] = (process.env.FRAPPE_OAUTH ?? 'frappe-oauth').split(' ');
const siteArgs = process.argv.slice(2);

/** Runs `frappe-oauth <args>` and parses its JSON result (stdout); its messages pass to stderr. */
function frappeOauth<T>(args: string[]): T {
  const stdout = execFileSync(command, [...prefix, ...args, ...siteArgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout) as T;
}

const me = frappeOauth<{ baseUrl: string; user: string }>(['whoami']);
const { accessToken } = frappeOauth<{ accessToken: string }>(['token']);

const url = new URL('/api/resource/Customer', me.baseUrl);
url.searchParams.set('fields', JSON.stringify(['name', 'customer_group', 'territory']));
url.searchParams.set('order_by', 'name asc');
url.searchParams.set('limit_page_length', '5');
const response = await fetch(url, {
  headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
});
if (!response.ok) throw new Error(`Frappe answered ${response.status} for ${url.pathname}`);
const { data } = (await response.json()) as { data: Array<Record<string, string>> };

console.log(`Customers visible to ${me.user} at ${me.baseUrl}:`);
for (const customer of data)
  console.log(`  ${customer.name} (${customer.customer_group}, ${customer.territory})`);
