import { FrappeInputError } from '../errors';

/**
 * How deeply objects and arrays may nest in a value sent to the site. Frappe documents nest two or
 * three levels (a document, its child rows, a JSON field); past 64 it is a mistake, and a few
 * thousand levels overflow the serializer's stack — inside the HTTP engine, where the failure
 * would look like a network error and a write would be looked up and retried as if it might
 * have landed.
 */
export const MAX_JSON_DEPTH = 64;

/** Longest key shown in a path: enough to recognise a field, and the message stays short. */
const MAX_KEY_SHOWN = 40;

/**
 * Refuses a value that JSON cannot carry as it is, before anything is sent: `JSON.stringify`
 * silently drops `undefined`, functions and symbols (a filter on an undefined value vanishes, and
 * `{}` matches every row), turns NaN, Infinity, holes and invalid Dates into `null`, sends Maps,
 * Sets and unresolved Promises as `{}`, and throws a raw TypeError on BigInt and cycles. Each is a
 * FrappeInputError naming the path, e.g. `doc.items[2].rate`. Objects with `toJSON` (Date) are
 * checked as what they serialize to.
 *
 * The message names the path and the kind of value, never the value (it may be a secret); `what`
 * (the method, or '' when the path says enough) leads it.
 */
export function checkJsonValue(value: unknown, path: string, what: string): void {
  walk(value, path, 0, [], what);
}

/** `checkJsonValue` for an argument that must be a plain object of values (a document, params). */
export function checkJsonObject(value: unknown, path: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FrappeInputError({ message: `${what}: ${path} must be an object` });
  }
  checkJsonValue(value, path, what);
  return value as Record<string, unknown>;
}

/** `parent.key` for identifier keys, `parent["odd key"]` otherwise. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key) && key.length <= MAX_KEY_SHOWN) return `${path}.${key}`;
  const shown = key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

function walk(value: unknown, path: string, depth: number, ancestors: object[], what: string): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) refuse(what, path, `${value}, which JSON would send as null`);
      return;
    case 'undefined':
      refuse(what, path, 'undefined, which JSON would drop');
      return;
    case 'function':
      refuse(what, path, 'a function, which JSON would drop');
      return;
    case 'symbol':
      refuse(what, path, 'a symbol, which JSON would drop');
      return;
    case 'bigint':
      refuse(what, path, 'a BigInt, which JSON cannot carry (send it as a string or a number)');
      return;
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.includes(object)) refuse(what, path, 'a reference to an object that contains it (a cycle)');
  if (depth >= MAX_JSON_DEPTH) refuse(what, path, `nested more than ${MAX_JSON_DEPTH} levels deep`);
  const lossy = lossyKind(object);
  if (lossy) refuse(what, path, `${lossy}, which JSON would send as {}`);
  if (object instanceof Date && Number.isNaN(object.getTime())) {
    refuse(what, path, 'an invalid Date, which JSON would send as null');
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    let serialized: unknown;
    try {
      serialized = toJSON.call(object, '');
    } catch {
      refuse(what, path, 'a value whose toJSON() throws');
    }
    // What the serializer will send is the result, checked like any value (a cycle back to the
    // original is still a cycle).
    if (serialized !== object) walk(serialized, path, depth, ancestors, what);
    return;
  }
  ancestors.push(object);
  if (Array.isArray(object)) {
    for (let index = 0; index < object.length; index++) {
      walk(read(object, index, path, what), childPath(path, index), depth + 1, ancestors, what);
    }
  } else {
    for (const key of Object.keys(object)) {
      walk(read(object, key, path, what), childPath(path, key), depth + 1, ancestors, what);
    }
  }
  ancestors.pop();
}

/** Map, Set and their weak forms have no enumerable own keys; a Promise is a missing `await`. */
function lossyKind(object: object): string | undefined {
  if (object instanceof Map) return 'a Map';
  if (object instanceof Set) return 'a Set';
  if (object instanceof WeakMap) return 'a WeakMap';
  if (object instanceof WeakSet) return 'a WeakSet';
  if (typeof (object as { then?: unknown }).then === 'function') return 'a Promise (a missing await?)';
  return undefined;
}

/** A getter that throws is the caller's bug, reported where it is rather than as a raw error. */
function read(object: object, key: string | number, path: string, what: string): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch {
    refuse(what, childPath(path, key), 'unreadable (its getter throws)');
  }
}

function refuse(what: string, path: string, description: string): never {
  throw new FrappeInputError({ message: `${what ? `${what}: ` : ''}${path} is ${description}` });
}
