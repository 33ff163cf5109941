import { classifyNetworkFailure, FrappeNetworkError } from '../errors';

/**
 * The FrappeNetworkError for a request that got no response. Only the reason and code travel on:
 * an HTTP library's error holds the request config, headers (and so tokens) included.
 */
export function networkError(
  error: unknown,
  method: string,
  path: string,
  timeoutMs: number,
): FrappeNetworkError {
  if (error instanceof FrappeNetworkError) return error;
  const { reason, code } = classifyNetworkFailure(error);
  if (reason === 'timeout') {
    return new FrappeNetworkError({
      message: `${method} ${path} timed out after ${timeoutMs} ms`,
      reason,
      code,
    });
  }
  if (reason === 'aborted') {
    return new FrappeNetworkError({ message: `${method} ${path} was aborted`, reason, code });
  }
  return new FrappeNetworkError({
    message: `${method} ${path} failed without a complete response (${code ?? 'unknown error'})`,
    reason,
    code,
  });
}
