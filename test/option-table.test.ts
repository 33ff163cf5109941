import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { OPTION_TABLE, optionsTableMarkdown } from '../src/option-table';

// vitest runs from the repository root.
const README = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
const OPTIONS_SOURCE = join(process.cwd(), 'src/options.ts');

/** The lines of the table under the README's `### Options` heading. */
function readmeOptionsTable(): string[] {
  const match = /^### Options\n\n((?:\|.*\n)+)/m.exec(README);
  expect(match, 'README.md has a table right under "### Options"').not.toBeNull();
  return match![1].trimEnd().split('\n');
}

/** `| a | b | c |` → ['a', 'b', 'c']; a `|` inside backticks does not split. */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/\|(?=(?:[^`]*`[^`]*`)*[^`]*$)/)
    .map((cell) => cell.trim());
}

/** Each member of FrappeOAuthClientOptions, with the text of its `@defaultValue` tag. */
function documentedDefaults(): Map<string, string | undefined> {
  const source = ts.createSourceFile(
    OPTIONS_SOURCE,
    readFileSync(OPTIONS_SOURCE, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found = new Map<string, string | undefined>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'FrappeOAuthClientOptions') return;
    for (const member of node.members) {
      if (!member.name || !ts.isIdentifier(member.name)) continue;
      const tag = ts.getJSDocTags(member).find((candidate) => candidate.tagName.text === 'defaultValue');
      const comment = tag === undefined ? undefined : ts.getTextOfJSDocComment(tag.comment);
      found.set(member.name.text, comment?.replace(/\s+/g, ' ').trim());
    }
  });
  return found;
}

const ROWS = Object.entries(OPTION_TABLE);

describe("the README's Options table", () => {
  it('names every option of the table, in its order, and no other', () => {
    const names = readmeOptionsTable()
      .slice(2)
      .map((line) => cells(line)[0]);
    expect(names).toEqual(ROWS.map(([name]) => `\`${name}\``));
  });

  it("states each option's default as the table does", () => {
    const readmeDefaults = Object.fromEntries(
      readmeOptionsTable()
        .slice(2)
        .map((line) => cells(line))
        .map(([name, stated]) => [name.replace(/`/g, ''), stated]),
    );
    expect(readmeDefaults).toEqual(Object.fromEntries(ROWS.map(([name, row]) => [name, row.default])));
  });

  it('is the table rendered (npm run docs:options writes it)', () => {
    expect(readmeOptionsTable().join('\n')).toBe(optionsTableMarkdown());
  });

  it('reads back the cells it renders, a `|` in code included', () => {
    expect(cells('| `a` | `x | y` | plain |')).toEqual(['`a`', '`x | y`', 'plain']);
  });
});

describe("FrappeOAuthClientOptions' doc comments", () => {
  it('give each option the default of its row (@defaultValue)', () => {
    const documented = documentedDefaults();
    expect([...documented.keys()].sort()).toEqual(ROWS.map(([name]) => name).sort());
    for (const [name, row] of ROWS) expect(documented.get(name), name).toBe(row.default);
  });
});
