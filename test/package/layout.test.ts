import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's one rule: arrows run one way. A folder may import only from folders listed
 * below it here; files at the top of `src/` compose everything. The emulator stands alone.
 */
const LAYERS = [
  // SecretSet, redact, the encoded forms of a secret: scrubbing everyone may use, the bottom layer.
  'redaction',
  // Verifying Frappe's webhook signatures; needs nothing else of the SDK.
  'webhooks',
  // Reading Frappe's answers: bodies, v1 and v2 envelopes, server messages, headers, rate limits.
  'responses',
  // The error classes (scrubbed as they are built), their brand, kind and limits, and the factories.
  'errors',
  'transport',
  'observability',
  'auth',
  'requests',
  'documents',
  '(root)',
  'cli',
] as const;

const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts.length === 1 ? '(root)' : (parts[0] as string);
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((match) => {
    const target = resolve(dirname(file), match[1] as string);
    return existsSync(`${target}.ts`) ? `${target}.ts` : join(target, 'index.ts');
  });
}

describe('source layout', () => {
  const files = sourceFiles(SRC);

  it('has every folder in the layer list', () => {
    const folders = new Set(files.map(folderOf));
    folders.delete('testing');
    expect([...folders].sort()).toEqual([...LAYERS].sort());
  });

  it('imports only downwards: no folder imports a folder above it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const target of relativeImports(file)) {
        const to = folderOf(target);
        // The command line (the top layer) may run the emulator; nothing else may reach into it.
        if ((from === 'testing' || to === 'testing') && from !== 'cli') {
          if (from !== to) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
          continue;
        }
        const rank = (folder: string) => LAYERS.indexOf(folder as (typeof LAYERS)[number]);
        if (rank(to) > rank(from)) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
