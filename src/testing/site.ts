import { ServerClock } from './core/clock';
import { FaultQueue } from './core/faults';
import { MethodRegistry, PageRegistry, type ResourceHandler } from './core/registry';
import type { ProfileSettings } from './profiles';
import { DocumentStore } from './rest/document-store';
import type { ApiV2 } from './rest/v2/api-v2';
import { ClientRegistry, type EmulatorClientOptions } from './state/clients';
import { RateLimitRegistry } from './state/rate-limits';
import { SessionRegistry } from './state/sessions';
import { TokenRegistry } from './state/tokens';
import { type EmulatorUserOptions, UserRegistry } from './state/users';

/** One request as the request log records it. */
export interface RequestLogEntry {
  method: string;
  /** The path as received, without the query. */
  path: string;
  /** 0 when the connection was dropped instead of answered. */
  status: number;
}

export interface SiteConfig {
  profile: ProfileSettings;
  tokenLifetimeSeconds: number;
  /** Fixed issuer, or undefined for the site URL. */
  issuer: string | undefined;
  users: readonly EmulatorUserOptions[];
  clients: readonly EmulatorClientOptions[];
  /** `frappe.conf.developer_mode`: lets register_client accept http redirect URIs. */
  developerMode: boolean;
  /** Whether `@rate_limit` counters apply (register_client: one call per 10 minutes per address). */
  rateLimits: boolean;
}

/**
 * Everything one emulated Frappe site holds: its data, its registries of routes and its test
 * controls' state. Feature modules (`oauth/`, `session/`, `rest/`) install their routes here.
 */
export class Site {
  readonly profile: ProfileSettings;
  readonly clock = new ServerClock();
  readonly users: UserRegistry;
  readonly clients: ClientRegistry;
  readonly tokens = new TokenRegistry();
  readonly sessions = new SessionRegistry();
  readonly docs: DocumentStore;
  readonly methods = new MethodRegistry();
  readonly pages = new PageRegistry();
  readonly faults = new FaultQueue();
  readonly rateLimits = new RateLimitRegistry();
  developerMode: boolean;
  readonly requestLog: RequestLogEntry[] = [];
  resourceHandler: ResourceHandler | undefined;
  /** REST API v2 (`/api/v2/…`), installed by `rest/` where the profile has it. */
  apiV2: ApiV2 | undefined;
  tokenLifetimeSeconds: number;
  /** Set once the server listens. */
  url = '';
  private readonly fixedIssuer: string | undefined;

  constructor(config: SiteConfig) {
    this.profile = config.profile;
    this.tokenLifetimeSeconds = config.tokenLifetimeSeconds;
    this.fixedIssuer = config.issuer;
    this.users = new UserRegistry(config.users);
    this.clients = new ClientRegistry(config.clients);
    this.docs = new DocumentStore(this.clock);
    this.developerMode = config.developerMode;
    this.rateLimits.enabled = config.rateLimits;
  }

  /** `get_server_url()`: the Social Login Key base URL (our `issuer` option) or the site URL. */
  get issuer(): string {
    return this.fixedIssuer ?? this.url;
  }
}
