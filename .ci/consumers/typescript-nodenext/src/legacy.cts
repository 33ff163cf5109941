// The same package from a CommonJS module of the project (`import x = require()`).
import sdk = require('frappe-oauth-client');

export function legacyClient(baseUrl: string): sdk.FrappeOAuthClient {
  return new sdk.FrappeOAuthClient({ baseUrl, clientId: 'legacy' });
}
