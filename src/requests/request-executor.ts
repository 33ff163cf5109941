import pRetry, { AbortError } from 'p-retry';
import type { TokenLifecycle } from '../auth/token-lifecycle';
import { errorFromResponse, FrappeError, scrubError } from '../errors';
import type { CallObservation } from '../observability/call-observation';
import { Observer } from '../observability/observer';
import { CallScope } from '../transport/call-scope';
import { type HttpTransport, pathOf, type RequestOptions } from '../transport/http-transport';
import { sleep } from '../transport/sleep';
import type { TransportRequest, TransportResponse } from '../transport/transport';
import { sendAuthorized, TokenStepFailure } from './authorized-request';
import { RateLimitGauge } from './rate-limit-gauge';
import { currentPacedCall } from './rate-limit-pacing';
import { isIdempotentMethod, isRetryable, type RetryPolicy, retryDelayMs } from './retry-policy';

export interface ExecuteOptions extends RequestOptions {
  /** Treat this request as idempotent (a POST whose repetition is harmless); default by method. */
  idempotent?: boolean;
  /**
   * Called when a retried attempt fails: the caller may recognise its own landed write (a DELETE
   * that finds the document gone) and resolve with a value instead of the error.
   */
  recoverRetriedFailure?: (error: unknown) => Promise<TransportResponse | undefined>;
  /**
   * The scope of the public call this request belongs to, when that call sends several requests
   * (a write that checks whether it landed): the call's deadline then bounds all of them.
   */
  scope?: CallScope;
}

/**
 * Runs one authenticated request with the retry policy: attempts go through `sendAuthorized`
 * (token, 401/403 rules), non-2xx answers become typed errors, and transient failures are retried
 * with p-retry — waits honour `Retry-After`, never keep Node alive, and stop on abort.
 */
export class RequestExecutor {
  /** Frappe's rate-limit window as the responses report it, for bulk calls to pace themselves. */
  readonly rateLimit = new RateLimitGauge();

  constructor(
    private readonly lifecycle: TokenLifecycle,
    private readonly transport: HttpTransport,
    private readonly policy: RetryPolicy,
    private readonly random: () => number,
    /** The default deadline of a call. */
    private readonly timeoutMs: number,
    /** Every secret the client holds now: scrubbed from any error this call ends with. */
    private readonly secrets: () => Iterable<string> = () => [],
    /** Logs, hooks and OpenTelemetry of the client (see Observer). */
    readonly observer: Observer = Observer.silent(),
  ) {}

  /**
   * Runs one request: a span around it all, a log line and a `request` hook per HTTP request, a
   * `retry` hook before each retry (see CallObservation).
   */
  execute(config: TransportRequest, options: ExecuteOptions = {}): Promise<TransportResponse> {
    const method = (config.method ?? 'GET').toUpperCase();
    const call = this.observer.call(method, config.url ?? '/', this.lifecycle.tokenKey);
    return call.run(() => this.executeObserved(config, options, method, call));
  }

  private async executeObserved(
    config: TransportRequest,
    options: ExecuteOptions,
    method: string,
    call: CallObservation,
  ): Promise<TransportResponse> {
    const idempotent = options.idempotent ?? isIdempotentMethod(method);
    const scope =
      options.scope ?? new CallScope(`${method} ${pathOf(config.url ?? '/')}`, options, this.timeoutMs);
    try {
      // Most calls need one attempt: it runs outside the retry machinery, which is entered only
      // once an attempt has failed in a way worth retrying.
      try {
        return await this.attempt(config, method, scope, call);
      } catch (error) {
        const final = this.finalFailure(error, idempotent);
        if (final !== undefined) throw final;
        await this.waitBeforeRetry(error, 1, scope, call);
      }
      let retry = 0;
      return await pRetry(
        async () => {
          retry += 1;
          try {
            return await this.attempt(config, method, scope, call);
          } catch (error) {
            if (options.recoverRetriedFailure && !(error instanceof TokenStepFailure)) {
              const recovered = await options.recoverRetriedFailure(error);
              if (recovered) return recovered;
            }
            // p-retry sees only what may be retried; everything else ends the loop as it is.
            const final = this.finalFailure(error, idempotent);
            if (final !== undefined) throw new AbortError(new Carrier(final));
            throw error;
          }
        },
        {
          retries: this.policy.retries - 1,
          minTimeout: 0,
          maxTimeout: 0,
          signal: scope.signal,
          // The waits are ours (Retry-After, jitter, the call's deadline); p-retry only counts.
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (retriesLeft > 0) await this.waitBeforeRetry(error, retry + 1, scope, call);
          },
        },
      );
    } catch (error) {
      const final = unwrap(error, scope);
      throw final instanceof FrappeError ? scrubError(final, this.secrets()) : final;
    } finally {
      if (!options.scope) scope.dispose();
    }
  }

  /**
   * Runs a public call that sends several requests (a write, then a look whether it landed) under
   * one scope, so its deadline bounds them all. Pass `{ ...options, scope }` to each execute.
   */
  async inScope<T>(
    label: string,
    options: ExecuteOptions,
    work: (scope: CallScope) => Promise<T>,
  ): Promise<T> {
    if (options.scope) return work(options.scope);
    const scope = new CallScope(label, options, this.timeoutMs);
    try {
      return await scope.race(work(scope));
    } finally {
      scope.dispose();
    }
  }

  /** The error to end the call with, or undefined when the failure may be retried. */
  private finalFailure(error: unknown, idempotent: boolean): unknown {
    if (error instanceof TokenStepFailure) return error.original;
    if (this.policy.retries < 1 || !isRetryable(error, idempotent)) return error;
    return undefined;
  }

  /**
   * Waits before retry number `retry`. A wait the call's deadline would cut short is not started:
   * the failure that called for it is the better answer than a timeout.
   */
  private async waitBeforeRetry(
    error: unknown,
    retry: number,
    scope: CallScope,
    call: CallObservation,
  ): Promise<void> {
    const delayMs = retryDelayMs(error, retry, this.policy, this.random);
    const remainingMs = scope.remainingMs();
    if (delayMs >= remainingMs) {
      call.notRetried(error, delayMs, remainingMs);
      throw new AbortError(new Carrier(error));
    }
    call.retrying(error, delayMs);
    await sleep(delayMs, scope.signal);
  }

  /**
   * A paced request (insertMany, iterateList) waits while Frappe's rate-limit window has no room
   * for it, up to `maxRetryAfterSeconds`; a wait the call's deadline would cut short is skipped
   * (the site then answers for itself). Logged at info; an abort ends it with the call's error.
   */
  private async waitForRateLimitWindow(call: string, scope: CallScope): Promise<void> {
    const waitMs = Math.min(this.rateLimit.waitMs(), this.policy.maxRetryAfterSeconds * 1000);
    if (waitMs <= 0 || waitMs >= scope.remainingMs()) return;
    this.observer.log('info', `${call}: pausing ${waitMs} ms until the site's rate-limit window resets`, {
      call,
      waitMs,
    });
    await sleep(waitMs, scope.signal);
  }

  private async attempt(
    config: TransportRequest,
    method: string,
    scope: CallScope,
    call: CallObservation,
  ): Promise<TransportResponse> {
    const paced = currentPacedCall();
    if (paced) await this.waitForRateLimitWindow(paced, scope);
    // In the same tick as the gauge said there is room: callers at once see each other's requests.
    const sequence = this.rateLimit.begin();
    const { response, tokensUsed } = await sendAuthorized(
      this.lifecycle,
      this.transport,
      config,
      scope,
      call,
    ).catch((error: unknown) => {
      this.rateLimit.end(sequence);
      throw error;
    });
    this.rateLimit.observe(response.headers as Record<string, unknown>, sequence);
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

function unwrap(error: unknown, scope: CallScope): unknown {
  if (error instanceof Carrier) return error.original;
  if (error instanceof AbortError && error.originalError instanceof Carrier)
    return error.originalError.original;
  // An abort or deadline during a backoff wait: the scope's reason says which, as a FrappeError.
  if (scope.reason) return scope.reason;
  return error;
}
