import { describe, expect, it } from 'vitest';
import { classifyNetworkFailure, errorFromNetworkFailure, FrappeNetworkError } from '../../src/errors';

function errorWith(code: string | undefined, name = 'Error', cause?: unknown): Error {
  return Object.assign(new Error(`failure ${code ?? ''}`), { name, code, cause });
}

describe('classifyNetworkFailure', () => {
  it.each([
    [errorWith('ECONNREFUSED'), 'connection', 'ECONNREFUSED'],
    [errorWith('ECONNRESET'), 'connection', 'ECONNRESET'],
    [errorWith('ENOTFOUND'), 'connection', 'ENOTFOUND'],
    [errorWith('ECONNABORTED', 'AxiosError'), 'timeout', 'ECONNABORTED'],
    [errorWith('ETIMEDOUT'), 'timeout', 'ETIMEDOUT'],
    [errorWith(undefined, 'TimeoutError'), 'timeout', undefined],
    [errorWith('ERR_CANCELED', 'CanceledError'), 'aborted', 'ERR_CANCELED'],
    [errorWith(undefined, 'AbortError'), 'aborted', undefined],
    [errorWith('ERR_NETWORK', 'AxiosError'), 'connection', 'ERR_NETWORK'],
    [errorWith(undefined, 'TypeError', errorWith('UND_ERR_SOCKET')), 'connection', 'UND_ERR_SOCKET'],
    [errorWith('ERR_SOMETHING'), 'unknown', 'ERR_SOMETHING'],
    ['a string', 'unknown', undefined],
  ])('%s → %s', (error, reason, code) => {
    expect(classifyNetworkFailure(error)).toEqual({ reason, code });
  });
});

describe('errorFromNetworkFailure', () => {
  it('names the request and the failure, without the query', () => {
    const error = errorFromNetworkFailure(errorWith('ECONNREFUSED'), {
      method: 'get',
      url: 'https://erp.example.com/api/resource/ToDo?code=abc',
    });
    expect(error).toBeInstanceOf(FrappeNetworkError);
    expect(error.message).toBe('GET /api/resource/ToDo → no response: connection refused (ECONNREFUSED)');
    expect(error.reason).toBe('connection');
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.status).toBeUndefined();
    expect(error.url).toBe('https://erp.example.com/api/resource/ToDo');
  });

  it('lets the caller force the reason, and works without a request', () => {
    const error = errorFromNetworkFailure(new Error('whatever'), { reason: 'timeout' });
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('no response: timed out');
  });
});
