import type { FrappeProfile } from './profile-endpoint';
import { SingleFlight } from './single-flight';
import type { StoredToken } from './stored-token';

/**
 * In-process state that every client of one configuration shares (`withTokenKey` clients too):
 * the refresh single-flight, which tokens were validated, when each was last probed, and which
 * refresh tokens the site has refused. Keys are token fingerprints or store keys, never tokens.
 */
export class LifecycleShared {
  readonly refreshes = new SingleFlight<StoredToken>();
  readonly validations = new SingleFlight<StoredToken>();
  /** Access-token fingerprint → the profile it validated as. */
  readonly validated = new Map<string, FrappeProfile | null>();
  /** Access-token fingerprint → local ms of the last openid_profile probe after a 403. */
  readonly lastProbe = new Map<string, number>();
  /** Refresh-token fingerprints the site refused: retrying them cannot succeed. */
  readonly refusedRefreshTokens = new Set<string>();
  /** Store key → local ms before which a failed refresh is not retried in the background. */
  readonly refreshCooldownUntil = new Map<string, number>();
  /** Access-token fingerprints already announced with a 'loaded' event. */
  readonly announced = new Set<string>();
  /** Store key → the authorize URL handed out with AuthorizationRequiredError, while reusable. */
  readonly pendingUrls = new Map<string, { url: string; reuseUntil: number }>();
}
