import type { TokenStore } from '../auth/token-store';
import type { RequestExecutor } from '../requests/request-executor';
import type { RetryPolicy } from '../requests/retry-policy';
import type { ApiVersionSelector } from './api-version';

/** What the documents API works with: the request executor, the client's store and retry policy. */
export interface DocumentsContext {
  executor: RequestExecutor;
  store: TokenStore;
  /** For the write paths that retry on their own terms (insertDoc with a chosen name). */
  retry: RetryPolicy;
  random: () => number;
  /** Which REST API to speak (`apiVersion`), shared by the client family. */
  api: ApiVersionSelector;
}

export const RESOURCE = '/api/resource';
export const METHOD = '/api/method';
