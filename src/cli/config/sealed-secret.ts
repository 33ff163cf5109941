import { type SealedValue, ValueCipher } from '../../auth/value-encryption';
import { encryptionFor } from '../key-source';
import { CliUsageError } from '../usage-error';
import type { SiteProfile, StoredSiteProfile } from './site-profiles';

/** What the secret is bound to: a sealed secret copied to another site's profile does not open. */
const bindingOf = (site: string) => `frappe-oauth:sites.json:${site}`;

/**
 * The profile as `sites.json` keeps it: with a key, a confidential client's secret is sealed
 * (AES-256-GCM, as the tokens), so the folder holds no secret in plain text.
 */
export function sealProfile(site: string, profile: SiteProfile, key: string | undefined): StoredSiteProfile {
  if (profile.clientSecret === undefined || key === undefined) return profile;
  const cipher = ValueCipher.from(encryptionFor(key));
  return { ...profile, clientSecret: cipher.seal(bindingOf(site), profile.clientSecret) };
}

/** The profile with its secret opened; a sealed secret needs the key it was sealed with. */
export function openProfile(site: string, stored: StoredSiteProfile, key: string | undefined): SiteProfile {
  const secret = stored.clientSecret;
  if (secret === undefined || typeof secret === 'string') return stored as SiteProfile;
  if (key === undefined) {
    throw new CliUsageError(
      `the client secret of site "${site}" is encrypted: give its key (--key, $FRAPPE_OAUTH_KEY or --key-command)`,
    );
  }
  const opened = ValueCipher.from(encryptionFor(key)).open(bindingOf(site), secret as SealedValue);
  if (opened.kind !== 'opened' || typeof opened.value !== 'string') {
    throw new CliUsageError(`the client secret of site "${site}" does not open with this key`);
  }
  return { ...stored, clientSecret: opened.value };
}
