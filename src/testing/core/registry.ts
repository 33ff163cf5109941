import type { Site } from '../site';
import type { AuthContext } from './auth';
import type { EmulatorRequest } from './request';
import type { EmulatorResponse } from './response';

/** What a handler gets: the site, the parsed request and who it runs as. */
export interface HandlerContext {
  readonly site: Site;
  readonly req: EmulatorRequest;
  readonly auth: AuthContext;
  /** Frappe's form dict: JSON body, or query + form fields. */
  readonly args: Readonly<Record<string, unknown>>;
}

/**
 * A whitelisted method (`@frappe.whitelist`). Its return value becomes `{"message": value}`
 * (absent when undefined); an `EmulatorResponse` is sent as it is (OAuth endpoints, redirects).
 */
export interface WhitelistedMethod {
  /** `allow_guest=True`. */
  readonly allowGuest?: boolean;
  /** `methods=[…]`; a verb outside it gets 403 PermissionError (§9.1). Default: any. */
  readonly methods?: readonly string[];
  /** Credentials in Basic auth on this path authenticate the OAuth client (develop). */
  readonly basicIsClientAuthentication?: (site: Site) => boolean;
  handler(context: HandlerContext): unknown;
}

/** A non-API page (`/login`, `/app`, the consent page, `/.well-known/...`). */
export type PageHandler = (context: HandlerContext) => EmulatorResponse | Promise<EmulatorResponse>;

/** The `/api/resource/<DocType>[/<name>]` handler. */
export type ResourceHandler = (
  context: HandlerContext,
  doctype: string,
  name: string | undefined,
) => unknown | Promise<unknown>;

export class MethodRegistry {
  private readonly methods = new Map<string, WhitelistedMethod>();

  register(path: string, method: WhitelistedMethod): void {
    this.methods.set(path, method);
  }

  get(path: string): WhitelistedMethod | undefined {
    return this.methods.get(path);
  }
}

export class PageRegistry {
  private readonly pages = new Map<string, PageHandler>();
  private readonly prefixes: Array<[string, PageHandler]> = [];

  register(path: string, handler: PageHandler): void {
    this.pages.set(path, handler);
  }

  registerPrefix(prefix: string, handler: PageHandler): void {
    this.prefixes.push([prefix, handler]);
  }

  get(path: string): PageHandler | undefined {
    const exact = this.pages.get(path);
    if (exact) return exact;
    return this.prefixes.find(([prefix]) => path.startsWith(prefix))?.[1];
  }
}
