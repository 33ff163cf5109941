import type { FilterCondition, Filters } from '../../documents/filters';
import { jsonOption, listOption, type ParsedArgs, stringOption } from '../args';
import { CliUsageError } from '../usage-error';

const OPERATORS: Record<string, string> = {
  '=': '=',
  '!=': '!=',
  '>=': '>=',
  '<=': '<=',
  '>': '>',
  '<': '<',
  '~': 'like',
};

/**
 * The filters of `list`/`get`: `--filters JSON` (Frappe's list or dict form) and any number of
 * `--filter FIELD<op>VALUE` with op one of = != > < >= <= and ~ (like), combined with AND.
 */
export function filtersFrom(values: ParsedArgs['values']): Filters | undefined {
  const conditions: FilterCondition[] = [];
  const json = stringOption(values, 'filters');
  if (json !== undefined) {
    const parsed = jsonOption(json, 'filters');
    if (Array.isArray(parsed)) conditions.push(...(parsed as FilterCondition[]));
    else if (parsed !== null && typeof parsed === 'object') {
      for (const [field, value] of Object.entries(parsed)) {
        conditions.push(
          (Array.isArray(value) ? [field, ...value] : [field, '=', value]) as unknown as FilterCondition,
        );
      }
    } else throw new CliUsageError('--filters must be a JSON list or object');
  }
  for (const text of listOption(values, 'filter')) {
    const match = /^([A-Za-z0-9_.`]+)\s*(!=|>=|<=|=|>|<|~)\s*(.*)$/s.exec(text);
    if (!match)
      throw new CliUsageError(`--filter ${JSON.stringify(text)}: use FIELD=VALUE (or != > < >= <= ~)`);
    const [, field, operator, value] = match as unknown as [string, string, string, string];
    conditions.push([field, OPERATORS[operator], value] as unknown as FilterCondition);
  }
  return conditions.length > 0 ? (conditions as Filters) : undefined;
}

/** `--fields a,b,c` or `--fields '["a","b"]'`. */
export function fieldsFrom(values: ParsedArgs['values']): string[] | undefined {
  const raw = stringOption(values, 'fields');
  if (raw === undefined) return undefined;
  if (raw.trim().startsWith('[')) {
    const parsed = jsonOption(raw, 'fields');
    if (!Array.isArray(parsed) || parsed.some((field) => typeof field !== 'string')) {
      throw new CliUsageError('--fields must be a list of field names');
    }
    return parsed as string[];
  }
  return raw
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
}
