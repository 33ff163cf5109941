import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** The first ```ts block of a README section. */
function firstCodeBlock(readme: string, heading: string): string {
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)\n```/.exec(section);
  if (!match?.[1]) throw new Error(`no ts block under ${heading}`);
  return match[1];
}

describe("the README's test snippet", () => {
  it('is the example suite that npm test runs, with package imports instead of source paths', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(resolve(ROOT, 'examples/testing-your-integration.test.ts'), 'utf8');
    const expected = example
      .slice(example.indexOf('import Keyv'))
      .trimEnd()
      .replace("from '../src/index.js'", "from 'frappe-oauth-client'")
      .replace("from '../src/testing/index.js'", "from 'frappe-oauth-client/testing'");
    expect(firstCodeBlock(readme, '## Testing your integration offline with the emulator')).toBe(expected);
  });
});
