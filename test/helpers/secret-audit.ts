import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { FrappeEmulator } from '../../src/testing';

/**
 * Collects every error, event and log line a test file produces, and every secret in play
 * (tokens the emulator issued, client secrets, passwords, codes), so one assertion at the end of
 * the file proves none of them leaked.
 */
const errors: unknown[] = [];
const lines: string[] = [];
const secrets = new Set<string>();
const sites = new Set<FrappeEmulator>();

export function auditSecret(...values: Array<string | undefined>): void {
  for (const value of values) if (value && value.length >= 4) secrets.add(value);
}

export function auditSite(site: FrappeEmulator): void {
  sites.add(site);
}

export function auditError(error: unknown): void {
  errors.push(error);
}

export function auditLine(line: string): void {
  lines.push(line);
}

/** Awaits a rejection, checks its class, records it for the leak scan and returns it. */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').toBeDefined();
  auditError(caught);
  expect(caught).toBeInstanceOf(errorClass);
  return caught as E;
}

/** The leak scan: nothing recorded mentions any secret in play. */
export function expectNoSecretsLeaked(): { errors: number; lines: number; secrets: number } {
  for (const site of sites) {
    for (const issued of site.issuedTokens()) auditSecret(issued.accessToken, issued.refreshToken);
  }
  const renderings: string[] = [...lines];
  for (const error of errors) {
    renderings.push(inspect(error, { depth: 10 }));
    renderings.push(JSON.stringify(error) ?? '');
    if (error instanceof Error) {
      renderings.push(error.message, String(error.stack));
      renderings.push(JSON.stringify(Object.fromEntries(Object.entries(error))));
    }
  }
  for (const secret of secrets) {
    for (const text of renderings) {
      if (text.includes(secret)) {
        throw new Error(
          `a secret leaked (${secret.length} chars, starts ${secret.slice(0, 2)}…) in: ${text.slice(0, 200)}`,
        );
      }
    }
  }
  expect(secrets.size).toBeGreaterThan(0);
  return { errors: errors.length, lines: lines.length, secrets: secrets.size };
}
