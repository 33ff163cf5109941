import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFilters } from '../../src/documents/filters';
import { checkJsonValue } from '../../src/documents/json-values';
import { listQueryParams } from '../../src/documents/list-query';
import { FrappeInputError } from '../../src/errors';
import { runs } from './arbitraries';

const OPERATORS = [
  '=',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'like',
  'not like',
  'in',
  'not in',
  'between',
  'is',
  'timespan',
];

/** Field names: identifiers and odd keys, never '' (an empty field name is refused on its own). */
const fieldName = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('name', 'customer', '__proto__', 'constructor', 'toString', 'a.b', 'Sales Invoice Item'),
);
const operator = fc.oneof(fc.constantFrom(...OPERATORS), fc.mixedCase(fc.constantFrom(...OPERATORS)));

/** Values JSON carries as they are (a valid Date too: it is sent as its ISO string). */
const jsonSafe: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.date({ noInvalidDate: true }),
);

const condition = fc.oneof(
  fc.tuple(fieldName, operator, jsonSafe),
  fc.tuple(fieldName, fieldName, operator, jsonSafe),
);
const validFilters: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(condition, { maxLength: 5 }),
  fc.dictionary(fieldName, fc.oneof(jsonSafe, fc.tuple(operator, jsonSafe)), { maxKeys: 5 }),
);

/** Values JSON would drop, turn into null or {}, or throw on. */
const POISONS: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['a function', () => () => 1],
  ['a symbol', () => Symbol('s')],
  ['a BigInt', () => 10n],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['a Map', () => new Map([[1, 2]])],
  ['a Set', () => new Set([1])],
  ['a Promise', () => Promise.resolve(1)],
  ['an invalid Date', () => new Date(Number.NaN)],
  [
    'a throwing toJSON',
    () => ({
      toJSON: () => {
        throw new Error('no');
      },
    }),
  ],
  ['a hole', () => HOLE],
  ['a cycle', () => CYCLE],
];
const HOLE = Symbol('hole');
const CYCLE = Symbol('cycle');

/**
 * `filters` with one leaf value (never a field name or operator) replaced by `poison`: a hole
 * becomes a sparse array, a cycle an object that contains itself.
 */
function poisoned(filters: unknown, poisonIndex: number, where: number): unknown {
  const make = POISONS[poisonIndex][1];
  const slots: Slot[] = [];
  const copy = structuredCopy(filters, slots, 'top');
  if (slots.length === 0) {
    // No value to replace: put one in.
    if (Array.isArray(copy)) {
      copy.push(['field', '=', 0]);
      slots.push({ parent: copy[copy.length - 1] as unknown as Record<number, unknown>, key: 2 });
    } else {
      (copy as Record<string, unknown>).field = 0;
      slots.push({ parent: copy as Record<string, unknown>, key: 'field' });
    }
  }
  const { parent, key } = slots[where % slots.length];
  const poison = make();
  if (poison === HOLE) {
    const sparse: unknown[] = [1];
    sparse.length = 3;
    parent[key] = sparse;
  } else if (poison === CYCLE) {
    const self: Record<string, unknown> = { a: 1 };
    self.self = { inner: self };
    parent[key] = self;
  } else {
    parent[key] = poison;
  }
  return copy;
}

type Slot = { parent: Record<string | number, unknown>; key: string | number };

/**
 * A copy of plain data, listing the places a value sits: in a list of conditions only the last
 * element of each condition (and anything inside it), never a field name or an operator.
 */
function structuredCopy(value: unknown, slots: Slot[], mode: 'top' | 'condition' | 'value'): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    if (mode === 'top') return value.map((item) => structuredCopy(item, slots, 'condition'));
    const copy = value.map((item, index) =>
      mode === 'condition' && index < value.length - 1 ? item : structuredCopy(item, slots, 'value'),
    );
    copy.forEach((_, index) => {
      if (mode === 'value' || index === copy.length - 1) {
        slots.push({ parent: copy as unknown as Record<number, unknown>, key: index });
      }
    });
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, {
        value: structuredCopy((value as Record<string, unknown>)[key], slots, 'value'),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      slots.push({ parent: copy, key });
    }
    return copy;
  }
  return value;
}

/** Stands for what JSON would drop or turn into null: never equal to what JSON.parse gives. */
const LOST = '\u0000lost\u0000';

/**
 * What JSON should make of a value that loses nothing: Dates (any toJSON) as what they give, boxed
 * primitives as their value, -0 as 0 (which is no loss); undefined, functions, symbols, holes and
 * non-finite numbers as LOST.
 */
function asJson(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? (value === 0 ? 0 : value) : LOST;
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value !== 'object') return LOST;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return asJson(toJSON.call(value, ''));
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return asJson(value.valueOf());
  }
  if (Array.isArray(value)) return Array.from(value, asJson);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(result, key, {
      value: asJson((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

/** Either the encoding or a FrappeInputError; any other exception fails the property. */
function encode(filters: unknown): { params?: Record<string, string>; error?: FrappeInputError } {
  try {
    return { params: listQueryParams({ filters: filters as never, orFilters: filters as never }) };
  } catch (error) {
    expect(error).toBeInstanceOf(FrappeInputError);
    return { error: error as FrappeInputError };
  }
}

describe('filter and list-query encoders', () => {
  it('encode every valid filter so that JSON.parse gives the filters back', () => {
    fc.assert(
      fc.property(validFilters, (filters) => {
        const { params, error } = encode(filters);
        expect(error).toBeUndefined();
        expect(JSON.parse(params!.filters)).toEqual(asJson(filters));
        expect(JSON.parse(params!.or_filters)).toEqual(asJson(filters));
      }),
      runs(300),
    );
  });

  it('refuse a filter with any value JSON cannot carry, as FrappeInputError without the values', () => {
    fc.assert(
      fc.property(
        validFilters,
        fc.nat(POISONS.length - 1),
        fc.nat(),
        fc.constantFrom('Zq-secret-value-7f3a9'),
        (filters, poisonIndex, where, secret) => {
          const input = poisoned(filters, poisonIndex, where);
          // A value elsewhere that must not be quoted in the error.
          if (Array.isArray(input)) input.push(['password', '=', secret]);
          else Object.defineProperty(input, 'password_field_x', { value: secret, enumerable: true });
          const { error } = encode(input);
          expect(error, POISONS[poisonIndex][0]).toBeInstanceOf(FrappeInputError);
          expect(error!.message).not.toContain(secret);
        },
      ),
      runs(300),
    );
  });

  it('on arbitrary input, either encode losslessly or throw FrappeInputError, nothing else', () => {
    const arbitraryFilters = fc.oneof(
      fc.anything({
        maxDepth: 3,
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withObjectString: true,
        withSparseArray: true,
        withTypedArray: true,
        withUnicodeString: true,
      }),
      fc.array(
        fc.array(fc.oneof(fieldName, operator, fc.anything({ maxDepth: 1, withBigInt: true })), {
          maxLength: 5,
        }),
        { maxLength: 4 },
      ),
      fc.func(fc.anything()),
    );
    fc.assert(
      fc.property(arbitraryFilters, (filters) => {
        const { params } = encode(filters);
        if (params === undefined) return;
        if (filters === undefined || filters === null) {
          expect(params.filters).toBeUndefined();
          return;
        }
        // Accepted: the encoding is what the filters are, with nothing dropped or nulled.
        expect(JSON.parse(params.filters)).toEqual(asJson(filters));
        expect(JSON.parse(params.or_filters)).toEqual(asJson(filters));
      }),
      runs(400),
    );
  });

  it('refuse cycles and deep nesting (with a path), never a RangeError or TypeError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.boolean(), (depth, cyclic) => {
        const root: Record<string, unknown> = {};
        let node = root;
        for (let i = 0; i < depth; i++) {
          const next: Record<string, unknown> = {};
          node.x = [next];
          node = next;
        }
        if (cyclic) node.back = root;
        const { error } = encode({ field: ['in', root] });
        // {field: ['in', root]}: root sits 2 levels deep, each step adds 2; 64 levels are refused.
        if (cyclic || depth >= 31) expect(error).toBeInstanceOf(FrappeInputError);
        else expect(error).toBeUndefined();
        expect(() => checkJsonValue(root, 'value', '')).not.toThrow(TypeError);
      }),
      runs(60),
    );
  });

  it('check list options: every other option is encoded as a string or refused', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            fields: fc.oneof(fc.array(fieldName, { maxLength: 4 }), fc.anything({ maxDepth: 1 })),
            orderBy: fc.oneof(fc.string({ maxLength: 20 }), fc.anything({ maxDepth: 0 })),
            limit: fc.oneof(fc.nat(), fc.double(), fc.anything({ maxDepth: 0 })),
            start: fc.oneof(fc.nat(), fc.integer(), fc.anything({ maxDepth: 0 })),
            filters: validFilters,
          },
          { requiredKeys: [] },
        ),
        (options) => {
          let params: Record<string, string>;
          try {
            params = listQueryParams(options as never);
          } catch (error) {
            expect(error).toBeInstanceOf(FrappeInputError);
            return;
          }
          for (const value of Object.values(params)) expect(typeof value).toBe('string');
          if (params.fields !== undefined) expect(JSON.parse(params.fields)).toEqual(options.fields);
          if (params.limit_page_length !== undefined) {
            expect(Number(params.limit_page_length)).toBe(options.limit);
          }
        },
      ),
      runs(300),
    );
  });

  it('checkFilters returns its argument unchanged when it accepts it', () => {
    fc.assert(
      fc.property(validFilters, (filters) => {
        expect(checkFilters(filters, 'filters')).toBe(filters);
      }),
      runs(100),
    );
  });
});
