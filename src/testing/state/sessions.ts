import { hexHash } from '../core/random';

/** A cookie session (`sid`), as `POST /api/method/login` or the /login form creates it. */
export interface SessionRow {
  readonly sid: string;
  readonly user: string;
  /**
   * Created when a page that needs it renders (the consent page), as Frappe does lazily; develop
   * mints it at login.
   */
  csrfToken: string | undefined;
  /**
   * Sessions from the `sessionCookie` control are exempt from develop's same-origin rule for
   * token-less sessions unless asked otherwise (a test harness with CSRF relaxed).
   */
  readonly csrfExempt: boolean;
}

export interface SessionCreateOptions {
  /** develop mints the CSRF token at login. */
  withCsrfToken?: boolean;
  csrfExempt?: boolean;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionRow>();

  create(user: string, options: SessionCreateOptions = {}): SessionRow {
    const row: SessionRow = {
      sid: hexHash(56),
      user,
      csrfToken: options.withCsrfToken ? hexHash(56) : undefined,
      csrfExempt: options.csrfExempt ?? false,
    };
    this.sessions.set(row.sid, row);
    return row;
  }

  get(sid: string | undefined): SessionRow | undefined {
    return sid ? this.sessions.get(sid) : undefined;
  }

  /** Every live session (a test control: how many logins the server saw through). */
  all(): SessionRow[] {
    return [...this.sessions.values()];
  }

  delete(sid: string): void {
    this.sessions.delete(sid);
  }

  csrfTokenFor(row: SessionRow): string {
    row.csrfToken ??= hexHash(56);
    return row.csrfToken;
  }
}
