import { FrappeEmulator } from '../../../src/testing/index';
import type { EmulatorProfileName } from '../../../src/testing/profiles';

export const USERS = {
  admin: 'Administrator',
  sales: 'sales@example.com',
  stock: 'stock@example.com',
  plain: 'plain@example.com',
} as const;

export type Who = keyof typeof USERS | 'guest';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  body: any;
  text: string;
}

export interface CallOptions {
  as?: Who;
  query?: Record<string, unknown>;
  json?: unknown;
  form?: Record<string, string>;
  multipart?: FormData;
}

export interface RestSite {
  emulator: FrappeEmulator;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  /** `/api/resource/<doctype>[/<name>]`, URL-encoded. */
  resource(doctype: string, name?: string): string;
  stop(): Promise<void>;
}

/** Starts an emulator with one user per role and cookie sessions for each. */
export async function startSite(profile: EmulatorProfileName = 'v15', seed = true): Promise<RestSite> {
  const emulator = await FrappeEmulator.start({
    profile,
    port: 0,
    seed,
    users: [
      { email: USERS.sales, password: 'sales-pass', roles: ['Sales User'] },
      { email: USERS.stock, password: 'stock-pass', roles: ['Stock User'] },
      { email: USERS.plain, password: 'plain-pass', roles: [] },
    ],
  });
  const cookies = new Map<Who, string>();
  for (const [who, email] of Object.entries(USERS)) cookies.set(who as Who, emulator.sessionCookie(email));

  return {
    emulator,
    resource: (doctype, name) =>
      `/api/resource/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`,
    stop: () => emulator.stop(),
    async call(method, path, options = {}) {
      const url = new URL(path, emulator.url);
      for (const [key, value] of Object.entries(options.query ?? {})) {
        url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
      const headers: Record<string, string> = { accept: 'application/json' };
      const cookie = cookies.get(options.as ?? 'admin');
      if (cookie && options.as !== 'guest') headers.cookie = cookie;
      let body: string | FormData | undefined;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.json);
      } else if (options.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(options.form).toString();
      } else if (options.multipart) {
        body = options.multipart;
      }
      const response = await fetch(url, { method, headers, body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}

/** `_server_messages` decoded twice (quirk 1): the plain message texts. */
export function serverMessages(body: { _server_messages?: string }): string[] {
  if (typeof body._server_messages !== 'string') return [];
  return (JSON.parse(body._server_messages) as string[]).map(
    (entry) => (JSON.parse(entry) as { message: string }).message,
  );
}
