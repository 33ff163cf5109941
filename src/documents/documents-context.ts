import type { TokenStore } from '../auth/token-store';
import type { RequestExecutor } from '../http/request-executor';

/** What the documents API works with: the request executor and the client's store. */
export interface DocumentsContext {
  executor: RequestExecutor;
  store: TokenStore;
}

export const RESOURCE = '/api/resource';
export const METHOD = '/api/method';
