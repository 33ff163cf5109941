/** How a client authenticates at the token endpoint (develop's `token_endpoint_auth_method`). */
export type TokenEndpointAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

/** An OAuth Client as the emulator's tests declare it (Setup → Integrations → OAuth Client). */
export interface EmulatorClientOptions {
  clientId: string;
  /** Omit for a public client (develop: auth method `none`). */
  clientSecret?: string;
  /** Default `['all', 'openid']`. */
  scopes?: string[];
  /** Exact URIs; Frappe stores them space-separated and matches byte for byte. */
  redirectUris: string[];
  /** Default: the first redirect URI. */
  defaultRedirectUri?: string;
  skipAuthorization?: boolean;
  appName?: string;
  /** Default `'code'`; `'token'` makes an implicit client. */
  responseType?: 'code' | 'token';
  /**
   * Only the develop profile enforces it; default `client_secret_post`, or `none` without a
   * secret. Older profiles never check client secrets (§2.3).
   */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Roles of which the user needs one to authorize this client; default: any user. */
  allowedRoles?: string[];
}

export interface EmulatorClient {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly scopes: string[];
  readonly redirectUris: string[];
  readonly defaultRedirectUri: string;
  readonly skipAuthorization: boolean;
  readonly appName: string;
  readonly responseType: 'code' | 'token';
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly allowedRoles: string[];
  /** `is_dynamic_client`: made by register_client (develop's clean-up job may delete it). */
  readonly dynamic: boolean;
  /** Server-clock milliseconds of creation (`creation`), for the clean-up's grace period. */
  readonly createdAtMs: number;
}

/** What register_client adds to a client row. */
export interface ClientProvenance {
  dynamic: boolean;
  createdAtMs: number;
}

export class ClientRegistry {
  private readonly clients = new Map<string, EmulatorClient>();

  constructor(clients: readonly EmulatorClientOptions[] = []) {
    for (const client of clients) this.add(client);
  }

  add(
    options: EmulatorClientOptions,
    provenance: ClientProvenance = { dynamic: false, createdAtMs: 0 },
  ): EmulatorClient {
    if (!options || typeof options.clientId !== 'string' || options.clientId === '') {
      throw new TypeError('an emulator client needs a clientId');
    }
    if (!Array.isArray(options.redirectUris)) {
      throw new TypeError(`client ${options.clientId} needs redirectUris (an array, may be empty)`);
    }
    const client: EmulatorClient = {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: [...(options.scopes ?? ['all', 'openid'])],
      redirectUris: [...options.redirectUris],
      defaultRedirectUri: options.defaultRedirectUri ?? options.redirectUris[0] ?? '',
      skipAuthorization: options.skipAuthorization ?? false,
      appName: options.appName ?? options.clientId,
      responseType: options.responseType ?? 'code',
      tokenEndpointAuthMethod:
        options.tokenEndpointAuthMethod ?? (options.clientSecret ? 'client_secret_post' : 'none'),
      allowedRoles: [...(options.allowedRoles ?? [])],
      dynamic: provenance.dynamic,
      createdAtMs: provenance.createdAtMs,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  get(clientId: string): EmulatorClient | undefined {
    return this.clients.get(clientId);
  }

  all(): EmulatorClient[] {
    return [...this.clients.values()];
  }

  delete(clientId: string): boolean {
    return this.clients.delete(clientId);
  }
}
