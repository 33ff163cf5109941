import { hexHash } from '../core/random';

/** A cookie session (`sid`), as `POST /api/method/login` or the /login form creates it. */
export interface SessionRow {
  readonly sid: string;
  readonly user: string;
  /**
   * Created when a page that needs it renders (the consent page), as Frappe does lazily; develop
   * creates it at login.
   */
  csrfToken: string | undefined;
  /**
   * `login`: made by `POST /api/method/login` or the /login form. `control`: made by the
   * `sessionCookie` test control, like a session Frappe's own test harness logs in
   * (`login_as`), which develop's same-origin rule for tokenless writes leaves alone.
   */
  readonly origin: 'login' | 'control';
}

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionRow>();

  create(user: string, origin: SessionRow['origin'] = 'control', withCsrfToken = false): SessionRow {
    const row: SessionRow = {
      sid: hexHash(56),
      user,
      csrfToken: withCsrfToken ? hexHash(56) : undefined,
      origin,
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
