import { describe, expect, it } from 'vitest';
import {
  AuthorizationCallbackError,
  AuthorizationDeniedError,
  AuthorizationRequiredError,
  FrappeAuthenticationError,
  FrappeConfigurationError,
  FrappeConflictError,
  FrappeDuplicateEntryError,
  FrappeError,
  FrappeInputError,
  FrappeNetworkError,
  FrappeNotFoundError,
  FrappeOAuthError,
  FrappePermissionError,
  FrappeRateLimitError,
  FrappeServerError,
  FrappeValidationError,
  isFrappeError,
  TokenStoreError,
} from '../../src/errors';

describe('error classes', () => {
  const classes: [new () => FrappeError, number | undefined][] = [
    [FrappeError, undefined],
    [FrappeAuthenticationError, 401],
    [FrappePermissionError, 403],
    [FrappeNotFoundError, 404],
    [FrappeValidationError, 417],
    [FrappeDuplicateEntryError, 409],
    [FrappeConflictError, 417],
    [FrappeRateLimitError, 429],
    [FrappeServerError, 500],
    [FrappeNetworkError, undefined],
    [AuthorizationRequiredError, undefined],
    [AuthorizationDeniedError, undefined],
    [AuthorizationCallbackError, undefined],
    [TokenStoreError, undefined],
    [FrappeConfigurationError, undefined],
    [FrappeInputError, undefined],
  ];

  it.each(classes)('%o: name, default status and message, base class', (ErrorClass, status) => {
    const error = new ErrorClass();
    expect(error.name).toBe(ErrorClass.name);
    expect(error).toBeInstanceOf(FrappeError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(status);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.messages).toEqual([]);
    expect(String(error.stack)).toContain(`${ErrorClass.name}: ${error.message}`);
    expect(Object.keys(error)).not.toContain('name');
    expect(isFrappeError(error)).toBe(true);
  });

  it('takes the options object', () => {
    const error = new FrappeNotFoundError({
      message: 'ToDo x not found',
      status: 404,
      excType: 'DoesNotExistError',
      messages: ['ToDo x not found'],
      method: 'get',
      url: 'https://erp.example.com/api/resource/ToDo/x?fields=["name"]',
    });
    expect(error).toMatchObject({
      message: 'ToDo x not found',
      status: 404,
      excType: 'DoesNotExistError',
      messages: ['ToDo x not found'],
      method: 'GET',
      url: 'https://erp.example.com/api/resource/ToDo/x',
    });
  });

  it('makes a conflict a validation error with TimestampMismatchError by default', () => {
    const error = new FrappeConflictError();
    expect(error).toBeInstanceOf(FrappeValidationError);
    expect(error.excType).toBe('TimestampMismatchError');
  });

  it('keeps the rate-limit error outside the validation family', () => {
    expect(new FrappeRateLimitError({ status: 417 })).not.toBeInstanceOf(FrappeValidationError);
  });

  it('carries class fields and puts them in toJSON', () => {
    const rate = new FrappeRateLimitError({ retryAfterSeconds: 3 });
    expect(rate.retryAfterSeconds).toBe(3);
    expect(JSON.parse(JSON.stringify(rate))).toEqual({
      name: 'FrappeRateLimitError',
      message: 'Rate limit exceeded',
      status: 429,
      messages: [],
      retryAfterSeconds: 3,
    });
    expect(new FrappeRateLimitError({ retryAfterSeconds: -1 }).retryAfterSeconds).toBeUndefined();

    const network = new FrappeNetworkError({ reason: 'timeout', code: 'ETIMEDOUT', status: 500 });
    expect(network.status).toBeUndefined();
    expect(network.toJSON()).toMatchObject({ reason: 'timeout', code: 'ETIMEDOUT' });
    expect(new FrappeNetworkError().reason).toBe('unknown');

    const oauth = new FrappeOAuthError({ error: 'invalid_grant', errorDescription: 'bad', status: 400 });
    expect(oauth.message).toBe('OAuth error invalid_grant: bad');
    expect(oauth.toJSON()).toMatchObject({ error: 'invalid_grant', errorDescription: 'bad', status: 400 });

    const required = new AuthorizationRequiredError({
      authorizationUrl: 'https://erp.example.com/authorize?x=1',
    });
    expect(required.authorizationUrl).toBe('https://erp.example.com/authorize?x=1');
    expect(required.toJSON().authorizationUrl).toBe('https://erp.example.com/authorize?x=1');

    const denied = new AuthorizationDeniedError();
    expect(denied.error).toBe('access_denied');

    expect(new TokenStoreError({ reason: 'unreadable' }).reason).toBe('unreadable');
    expect(new TokenStoreError().reason).toBe('failed');
  });

  it('attaches the cause non-enumerably, as ES2022 does', () => {
    const inner = new FrappeServerError({ message: 'boom' });
    const error = new AuthorizationRequiredError({ cause: inner });
    expect(error.cause).toBe(inner);
    expect(Object.getOwnPropertyDescriptor(error, 'cause')?.enumerable).toBe(false);
    expect(Object.keys(error)).not.toContain('cause');
    expect('cause' in new FrappeError()).toBe(false);
  });

  it('replaces a foreign cause with a safe copy that keeps name, message and code', () => {
    const foreign = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'AxiosError',
      code: 'ECONNREFUSED',
      config: { headers: { Authorization: 'Bearer abc' } },
    });
    const error = new FrappeNetworkError({ cause: foreign });
    const cause = error.cause as Error & { code?: string; config?: unknown };
    expect(cause).not.toBe(foreign);
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('AxiosError');
    expect(cause.message).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(cause.code).toBe('ECONNREFUSED');
    expect(cause.config).toBeUndefined();
  });

  it('ignores a status that is not an integer', () => {
    expect(new FrappeError({ status: Number.NaN }).status).toBeUndefined();
  });

  it('isFrappeError rejects other values', () => {
    expect(isFrappeError(new Error('x'))).toBe(false);
    expect(isFrappeError(null)).toBe(false);
    expect(isFrappeError({ name: 'FrappeError' })).toBe(false);
  });
});
