import type { Site } from '../site';
import { installClientRead } from './client-read';
import { installClientWrite } from './client-write';
import { installDeletedDocuments } from './deleted-documents';
import { installDoctypeMeta } from './doctype-meta';
import { handleResource } from './resource-handler';
import { installMetadata, seedDocuments } from './seed';
import { installUpload } from './upload';
import { installApiV2 } from './v2/api-v2';

export interface RestInstallOptions {
  seed: boolean;
}

/**
 * Installs REST API v1 (§7): /api/resource, frappe.client.*, upload_file and the file downloads,
 * doc methods, DocType metadata; REST API v2 where the profile has it (`v2/`); plus the sample
 * documents when `seed` is true.
 */
export function installRest(site: Site, options: RestInstallOptions): void {
  site.resourceHandler = handleResource;
  installClientRead(site);
  installClientWrite(site);
  installUpload(site);
  installMetadata(site);
  installDoctypeMeta(site);
  installApiV2(site);
  installDeletedDocuments(site);
  if (options.seed) seedDocuments(site);
}
