import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The command's folder: `$XDG_CONFIG_HOME/frappe-oauth`, else `~/.config/frappe-oauth`
 * (`%APPDATA%\frappe-oauth` on Windows). It holds `sites.json` (the site profiles), `tokens/` (the
 * file store) and `locks/` (the refresh leases).
 */
export function configDirectory(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg?.startsWith('/')) return join(xdg, 'frappe-oauth');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'frappe-oauth');
  return join(env.HOME || homedir(), '.config', 'frappe-oauth');
}
