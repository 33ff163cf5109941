import { join } from 'node:path';
import { createFileRefreshLock } from '../auth/file-refresh-lock';
import { createFileStore } from '../auth/file-store';
import { FrappeOAuthClient } from '../client';
import { type ParsedArgs, stringOption } from './args';
import { configDirectory } from './config/paths';
import { openProfile } from './config/sealed-secret';
import { checkSiteName, type SiteProfile, SiteProfiles } from './config/site-profiles';
import type { CliContext } from './context';
import { encryptionFor, resolveKey } from './key-source';
import { CliUsageError } from './usage-error';

/** The config folder and its site profiles, for this invocation's environment. */
export function profilesFor(context: CliContext): SiteProfiles {
  return new SiteProfiles(configDirectory(context.env));
}

/** The site name asked for: `--site`, else `$FRAPPE_OAUTH_SITE`, else undefined (the default site). */
export function requestedSite(values: ParsedArgs['values'], context: CliContext): string | undefined {
  const name = stringOption(values, 'site') ?? (context.env.FRAPPE_OAUTH_SITE || undefined);
  return name === undefined ? undefined : checkSiteName(name);
}

export interface OpenSite {
  name: string;
  profile: SiteProfile;
  client: FrappeOAuthClient;
}

/** A client for a site profile, on the command's file store and file refresh lease. */
export async function clientFor(
  name: string,
  profile: SiteProfile,
  values: ParsedArgs['values'],
  context: CliContext,
): Promise<FrappeOAuthClient> {
  const key = await resolveKey(values, context);
  const directory = configDirectory(context.env);
  return new FrappeOAuthClient({
    baseUrl: profile.baseUrl,
    clientId: profile.clientId,
    clientSecret: profile.clientSecret,
    redirectUri: profile.redirectUri,
    scopes: profile.scopes,
    store: createFileStore(join(directory, 'tokens')),
    refreshLock: createFileRefreshLock(join(directory, 'locks')),
    encryption: encryptionFor(key),
    tokenKey: `site:${name}`,
    userAgent: 'frappe-oauth-cli',
  });
}

/** The profile named on the command line (or the default one), with its client; a usage error if none. */
export async function openSite(values: ParsedArgs['values'], context: CliContext): Promise<OpenSite> {
  const requested = requestedSite(values, context);
  const stored = await profilesFor(context).get(requested);
  const found = stored && {
    name: stored.name,
    profile: openProfile(stored.name, stored.profile, await resolveKey(values, context)),
  };
  if (!found) {
    throw new CliUsageError(
      requested === undefined
        ? 'no site yet: run frappe-oauth login --url https://erp.example.com --client-id <id>'
        : `no site profile ${JSON.stringify(requested)}: run frappe-oauth login --site ${requested} --url … --client-id …`,
    );
  }
  return { ...found, client: await clientFor(found.name, found.profile, values, context) };
}

/** Runs `work` with the site's client and closes it afterwards. */
export async function withSite<T>(
  values: ParsedArgs['values'],
  context: CliContext,
  work: (site: OpenSite) => Promise<T>,
): Promise<T> {
  const site = await openSite(values, context);
  try {
    return await work(site);
  } finally {
    await site.client.close();
  }
}
