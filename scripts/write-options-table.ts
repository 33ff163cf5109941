/**
 * Writes the README's Options table (the table under `### Options`) from src/option-table.ts:
 * `npm run docs:options`. test/option-table.test.ts fails while the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionsTableMarkdown } from '../src/option-table';

const readmePath = join(__dirname, '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const section = /(^### Options\n\n)((?:\|.*\n)+)/m;
if (!section.test(readme)) throw new Error('README.md has no table under "### Options"');
const written = readme.replace(section, (_all, heading: string) => `${heading}${optionsTableMarkdown()}\n`);
if (written === readme) {
  console.log('README.md: the Options table is up to date');
} else {
  writeFileSync(readmePath, written);
  console.log('README.md: the Options table was rewritten from src/option-table.ts');
}
