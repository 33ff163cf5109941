import type { FrappeException } from '../../core/exceptions';
import type { HandlerContext } from '../../core/registry';
import type { EmulatorResponse } from '../../core/response';
import type { Site } from '../../site';
import { errorBodyV2 } from './error-body';
import { handleV2 } from './routes';

/** What the router asks of REST API v2: serve a path under `/api/v2/`, and its error envelope. */
export interface ApiV2 {
  /** `path` is what follows `/api/v2/`, still percent-encoded. */
  handle(context: HandlerContext, path: string): Promise<EmulatorResponse>;
  errorBody(exception: FrappeException, user: string): Record<string, unknown>;
}

/** Installs REST API v2 (`frappe/api/v2.py`) on a site whose profile has it. */
export function installApiV2(site: Site): void {
  if (!site.profile.apiV2) return;
  site.apiV2 = {
    handle: handleV2,
    errorBody: (exception, user) => errorBodyV2(site.profile, exception, user),
  };
}
