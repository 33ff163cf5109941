import { describe, expect, it } from 'vitest';
import {
  errorFromResponse,
  FrappeAuthenticationError,
  FrappeConflictError,
  FrappeDuplicateEntryError,
  FrappeError,
  FrappeNotFoundError,
  FrappeOAuthError,
  FrappePermissionError,
  FrappeRateLimitError,
  FrappeServerError,
  FrappeValidationError,
} from '../../src/errors';

/** Frappe's double encoding of `_server_messages` (frappe-reference.md §8.2). */
function serverMessages(...entries: Record<string, unknown>[]): string {
  return JSON.stringify(entries.map((entry) => JSON.stringify(entry)));
}

describe('errorFromResponse: class by exc_type', () => {
  const table: [string, number, typeof FrappeError][] = [
    ['AuthenticationError', 401, FrappeAuthenticationError],
    ['SessionExpired', 401, FrappeAuthenticationError],
    ['InvalidAuthorizationToken', 400, FrappeAuthenticationError],
    ['PermissionError', 403, FrappePermissionError],
    ['DoesNotExistError', 404, FrappeNotFoundError],
    ['PageDoesNotExistError', 404, FrappeNotFoundError],
    ['DuplicateEntryError', 409, FrappeDuplicateEntryError],
    ['NameError', 409, FrappeDuplicateEntryError],
    ['ValidationError', 417, FrappeValidationError],
    ['MandatoryError', 417, FrappeValidationError],
    ['LinkValidationError', 417, FrappeValidationError],
    ['DataError', 417, FrappeValidationError],
    ['UpdateAfterSubmitError', 417, FrappeValidationError],
    ['LinkExpired', 410, FrappeValidationError],
    ['TimestampMismatchError', 417, FrappeConflictError],
    ['TooManyRequestsError', 429, FrappeRateLimitError],
    ['RateLimitExceededError', 417, FrappeRateLimitError],
    ['QueryDeadlockError', 500, FrappeServerError],
    ['SessionStopped', 503, FrappeServerError],
    ['CSRFTokenError', 400, FrappeError],
  ];

  it.each(table)('%s (%i) → %s', (excType, status, expected) => {
    const error = errorFromResponse({ status, body: { exc_type: excType } });
    expect(error).toBeInstanceOf(expected);
    expect(error.constructor).toBe(expected);
    expect(error.name).toBe(expected.name);
    expect(error.status).toBe(status);
    expect(error.excType).toBe(excType);
  });

  it('lets exc_type win over the status family (417 RateLimitExceededError is not a validation error)', () => {
    const error = errorFromResponse({
      status: 417,
      body: {
        exc_type: 'RateLimitExceededError',
        _server_messages: serverMessages({
          message: 'You hit the rate limit because of too many requests. Please try after sometime.',
          raise_exception: 1,
        }),
      },
    });
    expect(error).toBeInstanceOf(FrappeRateLimitError);
    expect(error).not.toBeInstanceOf(FrappeValidationError);
  });

  it('keeps a conflict a validation error too', () => {
    const error = errorFromResponse({ status: 417, body: { exc_type: 'TimestampMismatchError' } });
    expect(error).toBeInstanceOf(FrappeConflictError);
    expect(error).toBeInstanceOf(FrappeValidationError);
  });

  it('maps an unknown exc_type by status (an app-defined validation error)', () => {
    expect(errorFromResponse({ status: 417, body: { exc_type: 'NegativeStockError' } })).toBeInstanceOf(
      FrappeValidationError,
    );
    expect(errorFromResponse({ status: 500, body: { exc_type: 'KeyError' } })).toBeInstanceOf(
      FrappeServerError,
    );
  });

  it('reads a dotted exc_type down to the class name', () => {
    const error = errorFromResponse({
      status: 404,
      body: { exc_type: 'frappe.exceptions.DoesNotExistError' },
    });
    expect(error.excType).toBe('DoesNotExistError');
  });
});

describe('errorFromResponse: v14 bodies without exc_type', () => {
  const table: [number, typeof FrappeError][] = [
    [401, FrappeAuthenticationError],
    [403, FrappePermissionError],
    [404, FrappeNotFoundError],
    [409, FrappeDuplicateEntryError],
    [417, FrappeValidationError],
    [429, FrappeRateLimitError],
    [500, FrappeServerError],
    [502, FrappeServerError],
    [503, FrappeServerError],
    [400, FrappeError],
    [410, FrappeError],
  ];

  it.each(table)('falls back on status %i → %s', (status, expected) => {
    const error = errorFromResponse({ status, body: {} });
    expect(error.constructor).toBe(expected);
    expect(error.status).toBe(status);
    expect(error.excType).toBeUndefined();
  });

  it('takes the class from the `exception` line when exc_type is missing', () => {
    const error = errorFromResponse({
      status: 403,
      body: { exception: 'frappe.exceptions.PermissionError', exc: '["Traceback ..."]' },
    });
    expect(error).toBeInstanceOf(FrappePermissionError);
    expect(error.excType).toBe('PermissionError');
  });

  it('uses the `exception` text when there are no messages', () => {
    const error = errorFromResponse({
      status: 417,
      method: 'post',
      url: '/api/resource/ToDo',
      body: { exception: 'frappe.exceptions.MandatoryError: [ToDo, new-todo-1]: description' },
    });
    expect(error).toBeInstanceOf(FrappeValidationError);
    expect(error.message).toBe(
      'POST /api/resource/ToDo → 417 MandatoryError: [ToDo, new-todo-1]: description',
    );
  });

  it('never turns a success status into a typed failure', () => {
    const error = errorFromResponse({ status: 200, body: { exc_type: 'PermissionError' } });
    expect(error.constructor).toBe(FrappeError);
    expect(error.status).toBe(200);
  });
});

describe('errorFromResponse: messages', () => {
  it('builds a short message from method, path, status, exc_type and the raised message', () => {
    const error = errorFromResponse({
      status: 404,
      method: 'get',
      url: 'https://erp.example.com/api/resource/Customer/X?fields=%5B%22name%22%5D',
      body: {
        exc_type: 'DoesNotExistError',
        _server_messages: serverMessages({
          message: 'Customer X not found',
          indicator: 'red',
          raise_exception: 1,
        }),
      },
    });
    expect(error.message).toBe('GET /api/resource/Customer/X → 404 DoesNotExistError: Customer X not found');
    expect(error.messages).toEqual(['Customer X not found']);
    expect(error.method).toBe('GET');
    expect(error.url).toBe('https://erp.example.com/api/resource/Customer/X');
  });

  it('prefers the raise_exception message over earlier warnings and keeps all in order', () => {
    const error = errorFromResponse({
      status: 417,
      body: {
        exc_type: 'ValidationError',
        _server_messages: serverMessages(
          { message: 'Row 2: <b>Rate</b> is zero', indicator: 'orange' },
          { message: 'Sales Order <b>SO-0001</b> is closed', raise_exception: 1 },
          { message: 'A later note' },
        ),
      },
    });
    expect(error.messages).toEqual(['Row 2: Rate is zero', 'Sales Order SO-0001 is closed', 'A later note']);
    expect(error.message).toBe('Frappe answered 417 ValidationError: Sales Order SO-0001 is closed');
  });

  it('includes _error_message (list permission errors)', () => {
    const error = errorFromResponse({
      status: 403,
      method: 'GET',
      url: '/api/resource/ToDo',
      body: { exc_type: 'PermissionError', _error_message: 'Insufficient Permission for ToDo' },
    });
    expect(error.messages).toEqual(['Insufficient Permission for ToDo']);
    expect(error.message).toBe(
      'GET /api/resource/ToDo → 403 PermissionError: Insufficient Permission for ToDo',
    );
  });

  it('strips the HTML of the v13/v14 not-whitelisted message', () => {
    const error = errorFromResponse({
      status: 403,
      body: {
        exc_type: 'PermissionError',
        _server_messages: serverMessages({
          message:
            '<details><summary>You are not permitted to access this resource.</summary>Function <b>frappe.auth.get_logged_user</b> is not whitelisted.</details>',
          title: 'Method Not Allowed',
          raise_exception: 1,
        }),
      },
    });
    expect(error.messages).toEqual([
      'You are not permitted to access this resource. Function frappe.auth.get_logged_user is not whitelisted.',
    ]);
  });

  it('reads the v2 envelope', () => {
    const error = errorFromResponse({
      status: 404,
      body: {
        errors: [{ type: 'DoesNotExistError', message: 'ToDo abc not found', indicator: 'red' }],
        messages: [{ message: 'other output', indicator: 'blue' }],
      },
    });
    expect(error).toBeInstanceOf(FrappeNotFoundError);
    expect(error.excType).toBe('DoesNotExistError');
    expect(error.messages).toEqual(['ToDo abc not found', 'other output']);
    expect(error.message).toBe('Frappe answered 404 DoesNotExistError: ToDo abc not found');
  });

  it('cuts very long server text in the message but keeps it in messages', () => {
    const long = 'x'.repeat(1000);
    const error = errorFromResponse({
      status: 417,
      body: {
        exc_type: 'ValidationError',
        _server_messages: serverMessages({ message: long, raise_exception: 1 }),
      },
    });
    expect(error.message.length).toBeLessThan(400);
    expect(error.message.endsWith('…')).toBe(true);
    expect(error.messages[0]).toBe(long);
  });
});

describe('errorFromResponse: bodies that are not a JSON error envelope', () => {
  const proxyPage =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n';

  it('describes a proxy HTML page instead of quoting it', () => {
    const error = errorFromResponse({
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: proxyPage,
    });
    expect(error).toBeInstanceOf(FrappeServerError);
    expect(error.message).toBe('Frappe answered 502 Bad Gateway (HTML error page)');
    expect(error.message).not.toContain('nginx');
    expect(error.messages).toEqual([]);
  });

  it('recognises HTML without a content type, and from bytes', () => {
    const error = errorFromResponse({
      status: 502,
      method: 'GET',
      url: '/api/resource/ToDo',
      body: Buffer.from(proxyPage),
    });
    expect(error.message).toBe('GET /api/resource/ToDo → 502 Bad Gateway (HTML error page)');
  });

  it('maps a Frappe HTML error page by status', () => {
    const error = errorFromResponse({
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><html><body><h1>DoesNotExistError</h1><p>ToDo x not found</p></body></html>',
    });
    expect(error).toBeInstanceOf(FrappeNotFoundError);
    expect(error.message).toBe('Frappe answered 404 Not Found (HTML error page)');
  });

  it('handles truncated JSON, salvaging only the class name', () => {
    const body =
      '{"exc_type": "DoesNotExistError", "_server_messages": "[\\"{\\\\\\"message\\\\\\": \\\\\\"ToDo x no';
    const error = errorFromResponse({ status: 404, headers: { 'content-type': 'application/json' }, body });
    expect(error).toBeInstanceOf(FrappeNotFoundError);
    expect(error.excType).toBe('DoesNotExistError');
    expect(error.message).toBe('Frappe answered 404 DoesNotExistError (truncated or invalid JSON body)');
    expect(error.messages).toEqual([]);
  });

  it('handles invalid JSON without a class name', () => {
    const error = errorFromResponse({
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: '{"exc',
    });
    expect(error).toBeInstanceOf(FrappeServerError);
    expect(error.excType).toBeUndefined();
    expect(error.message).toBe('Frappe answered 500 Internal Server Error (truncated or invalid JSON body)');
  });

  it.each([undefined, null, '', '   ', Buffer.alloc(0)])('handles an empty body (%j)', (body) => {
    const error = errorFromResponse({ status: 503, body });
    expect(error).toBeInstanceOf(FrappeServerError);
    expect(error.message).toBe('Frappe answered 503 Service Unavailable (empty body)');
  });

  it('parses a body that is a JSON string', () => {
    const error = errorFromResponse({
      status: 404,
      body: JSON.stringify({
        exc_type: 'DoesNotExistError',
        _server_messages: serverMessages({ message: 'ToDo x not found', raise_exception: 1 }),
      }),
    });
    expect(error).toBeInstanceOf(FrappeNotFoundError);
    expect(error.messages).toEqual(['ToDo x not found']);
  });

  it('parses a JSON body encoded twice', () => {
    const error = errorFromResponse({
      status: 409,
      body: JSON.stringify(JSON.stringify({ exc_type: 'DuplicateEntryError' })),
    });
    expect(error).toBeInstanceOf(FrappeDuplicateEntryError);
    expect(error.excType).toBe('DuplicateEntryError');
  });

  it('quotes a short plain-text body (Frappe 429 for non-JSON requests)', () => {
    const error = errorFromResponse({
      status: 429,
      headers: { 'content-type': 'text/plain' },
      body: 'Too Many Requests',
    });
    expect(error).toBeInstanceOf(FrappeRateLimitError);
    expect(error.message).toBe('Frappe answered 429 Too Many Requests: Too Many Requests');
  });

  it('does not consume a stream body', () => {
    const stream = { pipe: () => stream, read: () => 'secret' };
    const error = errorFromResponse({ status: 500, body: stream });
    expect(error.message).toBe('Frappe answered 500 Internal Server Error (unreadable body)');
  });

  it('survives a JSON array or scalar body', () => {
    expect(errorFromResponse({ status: 417, body: [1, 2] }).constructor).toBe(FrappeValidationError);
    expect(errorFromResponse({ status: 400, body: 42 }).message).toBe('Frappe answered 400 Bad Request');
  });
});

describe('errorFromResponse: OAuth shapes', () => {
  it('maps the RFC 6749 shape to FrappeOAuthError', () => {
    const error = errorFromResponse({
      status: 400,
      method: 'POST',
      url: 'https://erp.example.com/api/method/frappe.integrations.oauth2.get_token',
      body: { error: 'invalid_grant', error_description: 'Invalid refresh token', error_uri: 'https://x/e' },
    });
    expect(error).toBeInstanceOf(FrappeOAuthError);
    const oauth = error as FrappeOAuthError;
    expect(oauth.error).toBe('invalid_grant');
    expect(oauth.errorDescription).toBe('Invalid refresh token');
    expect(oauth.errorUri).toBe('https://x/e');
    expect(oauth.status).toBe(400);
    expect(oauth.message).toBe(
      'POST /api/method/frappe.integrations.oauth2.get_token → 400 invalid_grant: Invalid refresh token',
    );
  });

  it("maps Frappe's {description, status_code, error} shape", () => {
    const error = errorFromResponse({
      status: 401,
      body: { description: 'Bearer token is invalid', status_code: 401, error: 'invalid_token' },
    }) as FrappeOAuthError;
    expect(error).toBeInstanceOf(FrappeOAuthError);
    expect(error.error).toBe('invalid_token');
    expect(error.errorDescription).toBe('Bearer token is invalid');
    expect(error.status).toBe(401);
  });

  it('prefers a Frappe exc_type over an `error` key', () => {
    const error = errorFromResponse({ status: 404, body: { exc_type: 'DoesNotExistError', error: 'x' } });
    expect(error).toBeInstanceOf(FrappeNotFoundError);
  });

  it('makes a 5xx OAuth error a server error (retryable)', () => {
    const error = errorFromResponse({
      status: 500,
      body: { error: 'internal_server_error', status_code: 500 },
    });
    expect(error).toBeInstanceOf(FrappeServerError);
    expect(error.message).toBe('Frappe answered 500 internal_server_error');
  });
});

describe('errorFromResponse: Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds on a 429', () => {
    const error = errorFromResponse({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { exc_type: 'TooManyRequestsError' },
    }) as FrappeRateLimitError;
    expect(error.retryAfterSeconds).toBe(7);
  });

  it('reads an HTTP date against the injected clock', () => {
    const error = errorFromResponse({
      status: 429,
      headers: new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }),
      body: {},
      now,
    }) as FrappeRateLimitError;
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('reads it from a getter-style header object (axios)', () => {
    const headers = { get: (name: string) => (name.toLowerCase() === 'retry-after' ? '12' : undefined) };
    const error = errorFromResponse({ status: 503, headers, body: '' }) as FrappeServerError;
    expect(error.retryAfterSeconds).toBe(12);
  });

  it('leaves it undefined without a usable header', () => {
    const missing = errorFromResponse({ status: 429, body: {} }) as FrappeRateLimitError;
    const garbage = errorFromResponse({ status: 429, headers: { 'retry-after': 'soon' }, body: {} });
    expect(missing.retryAfterSeconds).toBeUndefined();
    expect((garbage as FrappeRateLimitError).retryAfterSeconds).toBeUndefined();
  });
});

describe('errorFromResponse: REST API v2 envelopes', () => {
  const TOKEN = 'v2EnvelopeSecretAccessToken';
  const traceback = (lastLine: string) =>
    `Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 115, in application\n    response = frappe.api.handle(request)\n${lastLine}\n`;

  it.each([
    ['TimestampMismatchError', 417, FrappeConflictError],
    ['DoesNotExistError', 404, FrappeNotFoundError],
    ['PermissionError', 403, FrappePermissionError],
    ['DuplicateEntryError', 409, FrappeDuplicateEntryError],
    ['MandatoryError', 417, FrappeValidationError],
    ['AuthenticationError', 401, FrappeAuthenticationError],
    ['RateLimitExceededError', 417, FrappeRateLimitError],
  ] as const)('errors[0].type %s is the same class as v1 exc_type', (type, status, errorClass) => {
    const error = errorFromResponse({
      status,
      body: { errors: [{ type, message: `<b>${type}</b> happened`, title: 'Message', indicator: 'red' }] },
    });
    expect(error).toBeInstanceOf(errorClass);
    expect(error.excType).toBe(type);
    expect(error.messages).toEqual([`${type} happened`]);
    expect(error.message).toContain(`${status} ${type}: ${type} happened`);
  });

  it('an error without a message takes its text and, without a type, its class from the traceback', () => {
    const error = errorFromResponse({
      status: 417,
      body: {
        errors: [
          {
            exception: traceback(
              'frappe.exceptions.TimestampMismatchError: Document has been modified after you have opened it',
            ),
          },
        ],
      },
    });
    expect(error).toBeInstanceOf(FrappeConflictError);
    expect(error.excType).toBe('TimestampMismatchError');
    expect(error.message).toContain('Document has been modified after you have opened it');
    expect(error.message).not.toContain('Traceback');
  });

  it('the raised error comes first and is the detail; the other messages follow in order', () => {
    const error = errorFromResponse({
      status: 417,
      body: {
        errors: [{ type: 'ValidationError', message: 'the raised one' }],
        messages: [{ message: 'before it', indicator: 'blue' }, { message: ['a', 'list'] }],
      },
    });
    expect(error.messages).toEqual(['the raised one', 'before it', 'a; list']);
    expect(error.message).toContain(': the raised one');
  });

  it('a list message on the error itself (msgprint as_list) is joined', () => {
    const error = errorFromResponse({
      status: 417,
      body: { errors: [{ type: 'ValidationError', message: ['Row 1: bad', 'Row 2: worse'] }] },
    });
    expect(error.messages).toEqual(['Row 1: bad; Row 2: worse']);
  });

  it('is never read as an OAuth error, even beside an `error` key', () => {
    const error = errorFromResponse({
      status: 403,
      body: { error: 'access_denied', errors: [{ type: 'PermissionError', message: 'Not permitted' }] },
    });
    expect(error).toBeInstanceOf(FrappePermissionError);
    expect(error).not.toBeInstanceOf(FrappeOAuthError);
  });

  it('scrubs the token from messages, tracebacks and a type that echoes it', () => {
    const error = errorFromResponse({
      status: 417,
      redact: [TOKEN],
      body: {
        errors: [
          { type: TOKEN, exception: traceback(`frappe.exceptions.ValidationError: bad token ${TOKEN}`) },
        ],
        messages: [{ message: `seen Bearer ${TOKEN}` }],
      },
    });
    expect(error.excType).toBe('ValidationError');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
  });

  it('keeps at most 50 messages of a body with thousands of errors, each bounded', () => {
    const errors = Array.from({ length: 5000 }, (_, i) => ({
      type: 'ValidationError',
      message: `e${i} ${'x'.repeat(5000)}`,
    }));
    const error = errorFromResponse({ status: 417, body: { errors } });
    expect(error.messages).toHaveLength(50);
    expect(error.messages.every((message) => message.length <= 2000)).toBe(true);
    expect(error.message.length).toBeLessThan(400);
  });

  it('a 2xx-looking v2 error of an unknown shape is still typed by status', () => {
    const error = errorFromResponse({ status: 404, body: { errors: [{}], messages: 'not a list' } });
    expect(error).toBeInstanceOf(FrappeNotFoundError);
    expect(error.excType).toBeUndefined();
  });
});
