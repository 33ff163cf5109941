import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { preparePrivateDirectory, writeAtomically } from '../../auth/file-store';
import type { SealedValue } from '../../auth/value-encryption';
import { CliUsageError } from '../usage-error';

/** How the command reaches one site: what `login` was given, kept for every later command. */
export interface SiteProfile {
  baseUrl: string;
  clientId: string;
  /** Only for a confidential client; the file is 0600. Public clients (PKCE alone) have none. */
  clientSecret?: string;
  redirectUri: string;
  scopes: string[];
}

/** A profile as the file holds it: the client secret sealed when a key was given (sealed-secret.ts). */
export interface StoredSiteProfile extends Omit<SiteProfile, 'clientSecret'> {
  clientSecret?: string | SealedValue;
}

interface ProfilesFile {
  /** The site used when no `--site` is given. */
  default?: string;
  sites: Record<string, StoredSiteProfile>;
}

const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkSiteName(name: string): string {
  if (!SITE_NAME.test(name)) {
    throw new CliUsageError(
      `--site must be 1-64 characters of A-Z a-z 0-9 . _ - (not ${JSON.stringify(name)})`,
    );
  }
  return name;
}

/** `sites.json` in the config folder: read whole, written atomically (0600). */
export class SiteProfiles {
  private readonly path: string;

  constructor(readonly directory: string) {
    this.path = join(directory, 'sites.json');
  }

  async read(): Promise<ProfilesFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { sites: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as ProfilesFile;
      if (parsed && typeof parsed === 'object' && parsed.sites && typeof parsed.sites === 'object')
        return parsed;
    } catch {
      // reported below
    }
    throw new CliUsageError(`${this.path} is not a site profiles file; fix or remove it`);
  }

  /** The profile named `name` (or the default one), or undefined. */
  async get(name: string | undefined): Promise<{ name: string; profile: StoredSiteProfile } | undefined> {
    const file = await this.read();
    const chosen = name ?? file.default;
    if (chosen === undefined) return undefined;
    const profile = file.sites[chosen];
    return profile ? { name: chosen, profile } : undefined;
  }

  /** Saves a profile; the first one saved becomes the default. */
  async save(name: string, profile: StoredSiteProfile): Promise<void> {
    const file = await this.read();
    file.sites[name] = profile;
    file.default ??= name;
    preparePrivateDirectory(this.directory, 'frappe-oauth');
    await writeAtomically(this.path, `${JSON.stringify(file, null, 2)}\n`);
  }

  async setDefault(name: string): Promise<void> {
    const file = await this.read();
    if (!file.sites[name]) throw new CliUsageError(`no site profile ${JSON.stringify(name)}`);
    file.default = name;
    await writeAtomically(this.path, `${JSON.stringify(file, null, 2)}\n`);
  }
}
