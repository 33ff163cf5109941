import { frappeSubject } from '../core/random';

/** A user as the emulator's tests declare it. */
export interface EmulatorUserOptions {
  email: string;
  password: string;
  roles?: string[];
  firstName?: string;
  lastName?: string;
  /** Relative (`/files/x.png`) or absolute picture URL. */
  userImage?: string;
  /** API key/secret pair for `Authorization: token key:secret` (or Basic). */
  apiKey?: string;
  apiSecret?: string;
  /** When false the user exists but cannot log in or use tokens (Frappe's `enabled`). */
  enabled?: boolean;
}

export interface EmulatorUser {
  readonly email: string;
  password: string;
  roles: string[];
  firstName: string;
  lastName: string;
  userImage: string | undefined;
  /** null for Administrator, as on Frappe (§6.2). */
  readonly sub: string | null;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  enabled: boolean;
}

export const ADMINISTRATOR = 'Administrator';
export const GUEST = 'Guest';

export class UserRegistry {
  private readonly users = new Map<string, EmulatorUser>();

  constructor(users: readonly EmulatorUserOptions[] = []) {
    this.add({
      email: ADMINISTRATOR,
      password: 'admin',
      roles: ['System Manager'],
      firstName: 'Administrator',
    });
    for (const user of users) this.add(user);
  }

  add(options: EmulatorUserOptions): EmulatorUser {
    if (!options || typeof options.email !== 'string' || options.email === '') {
      throw new TypeError('an emulator user needs an email');
    }
    if (options.email === GUEST) throw new TypeError('Guest always exists and cannot be redefined');
    const local = options.email.split('@')[0] ?? options.email;
    const user: EmulatorUser = {
      email: options.email,
      password: options.password,
      roles: [...(options.roles ?? [])],
      firstName: options.firstName ?? capitalize(local),
      lastName: options.lastName ?? '',
      userImage: options.userImage,
      sub: options.email === ADMINISTRATOR ? null : frappeSubject(),
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      enabled: options.enabled ?? true,
    };
    this.users.set(user.email, user);
    return user;
  }

  get(email: string): EmulatorUser | undefined {
    return this.users.get(email);
  }

  /** Frappe accepts the login name case-insensitively for emails. */
  findForLogin(login: string): EmulatorUser | undefined {
    const exact = this.users.get(login);
    if (exact) return exact;
    const lower = login.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === lower) return user;
    return undefined;
  }

  findByApiKey(apiKey: string): EmulatorUser | undefined {
    for (const user of this.users.values()) if (user.apiKey === apiKey) return user;
    return undefined;
  }

  /** Deletes a user (Administrator stays). True when it existed. */
  remove(email: string): boolean {
    if (email === ADMINISTRATOR) throw new TypeError('Administrator cannot be removed');
    return this.users.delete(email);
  }

  /** All roles, with the automatic ones Frappe's role lookup returns. */
  rolesOf(email: string): string[] {
    if (email === GUEST) return ['Guest'];
    const user = this.users.get(email);
    const explicit = user?.roles ?? [];
    return [...new Set([...explicit, 'All', 'Guest'])];
  }

  all(): EmulatorUser[] {
    return [...this.users.values()];
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
