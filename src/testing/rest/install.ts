import type { Site } from '../site';
import { installClientRead } from './client-read';
import { installClientWrite } from './client-write';
import { handleResource } from './resource-handler';
import { installMetadata, seedDocuments } from './seed';
import { installUpload } from './upload';

export interface RestInstallOptions {
  seed: boolean;
}

/**
 * Installs REST API v1 (§7): /api/resource, frappe.client.*, upload_file and the file downloads,
 * doc methods, DocType metadata; plus the sample documents when `seed` is true.
 */
export function installRest(site: Site, options: RestInstallOptions): void {
  site.resourceHandler = handleResource;
  installClientRead(site);
  installClientWrite(site);
  installUpload(site);
  installMetadata(site);
  if (options.seed) seedDocuments(site);
}
