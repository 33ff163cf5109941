import { scrubAndTruncate } from '../redaction/redact';
import { SecretSet } from '../redaction/secret-set';
import { MAX_MESSAGE_LENGTH } from '../responses/limits';
import type { FrappeError } from './frappe-error';
import { MAX_CAUSE_DEPTH } from './safe-cause';

/** Fields that name something (a class, a method, a code): one that held a secret is dropped. */
const NAME_FIELDS = new Set(['excType', 'method', 'code']);

/**
 * Scrubs `secrets` from an error that already exists, in place, and returns it.
 *
 * An error is scrubbed of the secrets known when it is built (`redact`), but the code that catches
 * it may know more: a token that rotated while the request was in flight, the credentials of an
 * outer operation, a secret the layer that built the error never saw. Such a caller passes the
 * error through here before logging, storing or rethrowing it. Scrubbing in place, rather than
 * copying, keeps the error's class, identity and every reference to it clean at once.
 *
 * What is scrubbed: `message` and `stack`, every own string field (`url`, `errorDescription`, …)
 * and string-array field (`messages`), and the chain of causes (FrappeErrors and their safe copies
 * of foreign errors). `excType`, `method` and `code` that held a secret are dropped, since what is
 * left of them names nothing. A frozen error cannot be changed and is returned as it is. Never
 * throws.
 */
export function scrubError<E extends FrappeError>(error: E, secrets: Iterable<string>): E {
  const set = SecretSet.from(secrets);
  if (set.size > 0) scrubObject(error, set, new Set(), 0);
  return error;
}

function scrubObject(target: unknown, secrets: SecretSet, seen: Set<object>, depth: number): void {
  if (typeof target !== 'object' || target === null || seen.has(target) || depth > MAX_CAUSE_DEPTH) return;
  seen.add(target);
  const record = target as Record<string, unknown>;
  try {
    for (const key of ['message', 'stack']) {
      const value = record[key];
      if (typeof value === 'string') assign(record, key, secrets.scrub(value));
    }
    if (typeof record.name === 'string' && secrets.scrub(record.name) !== record.name) {
      assign(record, 'name', 'Error');
    }
    // Causes are FrappeErrors or SafeCauses (see toSafeCause): all their own fields are text to keep.
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (typeof value === 'string') {
        const clean = secrets.scrub(value);
        if (clean !== value) assign(record, key, NAME_FIELDS.has(key) ? undefined : clean);
      } else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (typeof item === 'string') assign(value, i, scrubAndTruncate(item, secrets, MAX_MESSAGE_LENGTH));
        }
      }
    }
    scrubObject(record.cause, secrets, seen, depth + 1);
  } catch {
    // A getter that throws, a Proxy: what could be scrubbed was.
  }
}

function assign(target: object, key: string | number, value: unknown): void {
  try {
    (target as Record<string | number, unknown>)[key] = value;
  } catch {
    // Frozen or read-only: nothing can be done.
  }
}
