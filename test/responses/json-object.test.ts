import { describe, expect, it } from 'vitest';
import { jsonObjectOf } from '../../src/responses/json-object';

describe('jsonObjectOf', () => {
  it('gives the object of a parsed answer or of its JSON text', () => {
    expect(jsonObjectOf({ email: 'a@example.com' })).toEqual({ email: 'a@example.com' });
    expect(jsonObjectOf('{"client_id":"x","n":1}')).toEqual({ client_id: 'x', n: 1 });
  });

  it('gives undefined for invalid JSON, arrays, scalars and null', () => {
    for (const data of ['{not json', '[1,2]', [1, 2], '"text"', 42, '42', 'null', null, undefined, '']) {
      expect(jsonObjectOf(data), JSON.stringify(data)).toBeUndefined();
    }
  });
});
