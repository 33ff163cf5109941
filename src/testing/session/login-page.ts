import { escapeHtml } from '../core/response';

/** The `/login` page: a plain HTML form (no script), so a headless browser can fill it in. */
export function loginPage(redirectTo: string, error?: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login</title></head>
<body>
  <h1>Login to Frappe</h1>
  ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="POST" action="/login" id="login-form">
    <input type="hidden" name="redirect-to" value="${escapeHtml(redirectTo)}">
    <label>Email <input type="text" name="usr" id="login_email" autocomplete="username"></label>
    <label>Password <input type="password" name="pwd" id="login_password" autocomplete="current-password"></label>
    <button type="submit" id="login-button">Login</button>
  </form>
</body>
</html>`;
}
