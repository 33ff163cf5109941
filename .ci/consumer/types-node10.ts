// A consumer on the old resolution (module commonjs, moduleResolution node10), which ignores
// `exports`: the main entry's types come from `types`, the testing subpath's from `typesVersions`.
import * as main from 'frappe-oauth-client';
import { FrappeEmulator, type FrappeEmulatorOptions } from 'frappe-oauth-client/testing';

export const loaded: object = main;

// @ts-expect-error the options are typed (not `any`): there is no profile 'v99'
export const wrong: FrappeEmulatorOptions = { profile: 'v99' };

export async function useEmulator(): Promise<string> {
  const site = await FrappeEmulator.start({ profile: 'v14', port: 0 });
  site.advanceClock(60);
  await site.stop();
  return site.url;
}
