import { EmulatorResponse, escapeHtml } from '../core/response';

export interface ConsentPageInput {
  appName: string;
  scopes: readonly string[];
  /** `/api/method/frappe.integrations.oauth2.approve?<same params>`. */
  successUrl: string;
  /** `<redirect_uri>?error=access_denied`, concatenated blindly, without state. */
  failureUrl: string;
  /** develop: Allow POSTs this session CSRF token; ≤v15: Allow is a plain link (GET). */
  csrfToken: string | undefined;
}

/**
 * `templates/includes/oauth_confirmation.html` inside `respond_as_web_page("Confirm Access")`:
 * plain HTML without script, so a headless browser (or a test) can follow Allow and Deny.
 */
export function consentPage(input: ConsentPageInput): EmulatorResponse {
  // The page shows `openid` as the user details it releases (display only).
  const labels = input.scopes.flatMap((scope) =>
    scope === 'openid' ? ['Full Name', 'Email', 'User Image', 'Roles'] : [scope],
  );
  const allow =
    input.csrfToken === undefined
      ? `<a class="btn btn-primary" id="allow" href="${escapeHtml(input.successUrl)}">Allow</a>`
      : `<form method="POST" action="${escapeHtml(input.successUrl)}" id="allow-form">
      <input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
      <button type="submit" class="btn btn-primary" id="allow">Allow</button>
    </form>`;
  return EmulatorResponse.html(
    200,
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Confirm Access</title></head>
<body>
  <h1>Confirm Access</h1>
  <p><b>${escapeHtml(input.appName)}</b> wants to access the following details from your account</p>
  <ul id="scopes">
    ${labels.map((label) => `<li>${escapeHtml(label)}</li>`).join('\n    ')}
  </ul>
  <div class="actions">
    ${allow}
    <a class="btn btn-default" id="deny" href="${escapeHtml(input.failureUrl)}">Deny</a>
  </div>
</body>
</html>`,
  );
}
