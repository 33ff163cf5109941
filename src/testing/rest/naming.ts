import { frappeDatetime } from '../core/clock';
import { frappeThrow } from '../core/exceptions';
import { hexHash } from '../core/random';
import type { Site } from '../site';
import type { DocTypeMeta } from './doctypes';

/**
 * `set_new_name` (`frappe/model/naming.py`): a name the client sends is discarded unless the
 * doctype is named by Prompt; otherwise the doctype's rule decides: `field:<f>` (the field's
 * value, stripped), a naming series (`SAL-ORD-.YYYY.-` + `.#####`), or a random hash.
 */
export function newName(site: Site, meta: DocTypeMeta, doc: Record<string, unknown>, given: unknown): string {
  const rule = meta.autoname;
  if (rule.startsWith('field:')) {
    const fieldname = rule.slice('field:'.length);
    const value =
      doc[fieldname] === null || doc[fieldname] === undefined ? '' : String(doc[fieldname]).trim();
    if (value === '') {
      const label = meta.fields.find((field) => field.fieldname === fieldname)?.label ?? fieldname;
      throw frappeThrow('ValidationError', `${label} is required`);
    }
    return value;
  }
  if (rule === 'naming_series:') {
    const series = typeof doc.naming_series === 'string' && doc.naming_series ? doc.naming_series : '';
    if (!series) throw frappeThrow('ValidationError', 'Naming Series mandatory');
    return makeAutoname(site, series.includes('#') ? series : `${series}.#####`);
  }
  if (rule === 'Prompt') {
    const name = typeof given === 'string' ? given.trim() : '';
    if (!name) throw frappeThrow('ValidationError', 'Name not set via prompt');
    return name;
  }
  return hexHash(10);
}

/** `make_autoname`: `.`-separated parts; YYYY/YY/MM/DD from the server date, `#…#` the counter. */
export function makeAutoname(site: Site, pattern: string): string {
  const date = frappeDatetime(site.clock.nowMs()).slice(0, 10); // YYYY-MM-DD
  const parts: Record<string, string> = {
    YYYY: date.slice(0, 4),
    YY: date.slice(2, 4),
    MM: date.slice(5, 7),
    DD: date.slice(8, 10),
  };
  let prefix = '';
  let digits = 0;
  for (const part of pattern.split('.')) {
    if (/^#+$/.test(part)) digits = part.length;
    else prefix += parts[part] ?? part;
  }
  if (digits === 0) return prefix;
  const number = site.docs.nextInSeries(prefix);
  return `${prefix}${String(number).padStart(digits, '0')}`;
}
