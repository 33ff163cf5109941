import pRetry, { AbortError } from 'p-retry';
import type { TokenLifecycle } from '../auth/token-lifecycle';
import { errorFromResponse, FrappeNetworkError } from '../errors';
import { CallScope } from '../transport/call-scope';
import { type HttpTransport, pathOf, type RequestOptions } from '../transport/http-transport';
import { sleep } from '../transport/sleep';
import type { TransportRequest, TransportResponse } from '../transport/transport';
import { sendAuthorized, TokenStepFailure } from './authorized-request';
import { isIdempotentMethod, isRetryable, type RetryPolicy, retryDelayMs } from './retry-policy';

export interface ExecuteOptions extends RequestOptions {
  /** Treat this request as idempotent (a POST whose repetition is harmless); default by method. */
  idempotent?: boolean;
  /**
   * Called when a retried attempt fails: the caller may recognise its own landed write (a DELETE
   * that finds the document gone) and resolve with a value instead of the error.
   */
  recoverRetriedFailure?: (error: unknown) => Promise<TransportResponse | undefined>;
}

/**
 * Runs one authenticated request with the retry policy: attempts go through `sendAuthorized`
 * (token, 401/403 rules), non-2xx answers become typed errors, and transient failures are retried
 * with p-retry — waits honour `Retry-After`, never keep Node alive, and stop on abort.
 */
export class RequestExecutor {
  constructor(
    private readonly lifecycle: TokenLifecycle,
    private readonly transport: HttpTransport,
    private readonly policy: RetryPolicy,
    private readonly random: () => number,
    /** The default deadline of a call. */
    private readonly timeoutMs: number,
  ) {}

  async execute(config: TransportRequest, options: ExecuteOptions = {}): Promise<TransportResponse> {
    const method = (config.method ?? 'GET').toUpperCase();
    const idempotent = options.idempotent ?? isIdempotentMethod(method);
    const label = `${method} ${pathOf(config.url ?? '/')}`;
    const scope = new CallScope(label, options, this.timeoutMs);
    let attempt = 0;
    try {
      return await pRetry(
        async () => {
          attempt += 1;
          try {
            return await this.attempt(config, method, scope);
          } catch (error) {
            if (error instanceof TokenStepFailure) throw new AbortError(wrap(error.original));
            if (attempt > 1 && options.recoverRetriedFailure) {
              const recovered = await options.recoverRetriedFailure(error);
              if (recovered) return recovered;
            }
            // p-retry sees only what may be retried; everything else ends the loop as it is.
            if (!isRetryable(error, idempotent)) throw new AbortError(wrap(error));
            throw error;
          }
        },
        {
          retries: this.policy.retries,
          minTimeout: 0,
          maxTimeout: 0,
          unref: true,
          signal: scope.signal,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (retriesLeft > 0) {
              await sleep(retryDelayMs(error, attemptNumber, this.policy, this.random), scope.signal);
            }
          },
        },
      );
    } catch (error) {
      throw unwrap(error, scope);
    } finally {
      scope.dispose();
    }
  }

  private async attempt(
    config: TransportRequest,
    method: string,
    scope: CallScope,
  ): Promise<TransportResponse> {
    const { response, tokensUsed } = await sendAuthorized(this.lifecycle, this.transport, config, scope);
    if (response.status >= 200 && response.status < 300) return response;
    throw errorFromResponse({
      status: response.status,
      headers: response.headers as Record<string, unknown>,
      body: response.data,
      method,
      url: config.url ?? '/',
      redact: tokensUsed,
    });
  }
}

/** p-retry's AbortError wants an Error; keep the original inside to rethrow it untouched. */
class Carrier extends Error {
  constructor(readonly original: unknown) {
    super('not retryable');
  }
}

function wrap(error: unknown): Error {
  return new Carrier(error);
}

function unwrap(error: unknown, scope: CallScope): unknown {
  if (error instanceof Carrier) return error.original;
  if (error instanceof AbortError && error.originalError instanceof Carrier)
    return error.originalError.original;
  // An abort or deadline during a backoff wait: the scope's reason says which, as a FrappeError.
  if (scope.signal.aborted && scope.signal.reason instanceof FrappeNetworkError) return scope.signal.reason;
  return error;
}
