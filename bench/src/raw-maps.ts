// The row mappings a hand-written pipeline needs to write the same records as a connector whose
// output differs from its input (Ometria -> Daasity's columns: renamed and flattened fields, an MD5
// sync key, ISO dates; Wootric: its local-offset dates as ISO UTC). The raw pipeline imports the
// connector's own mapping module from its build (or the kit's date conversion), so both sides do the
// same per-row work and the ratio measures only the kit.
import { join } from 'node:path';
import { toIsoUtc } from '@conkit/base';
import { pathToFileURL } from 'node:url';

type Row = Record<string, unknown>;
export type RawMap = (row: Row) => unknown;

interface OmetriaMapping {
  profile(p: Row, config: Row, given: Row): unknown;
  emailEvent(e: Row, config: Row): unknown;
}

/** `name` is the map named on the raw pipeline's command line; undefined means write rows as read. */
export async function rawMap(root: string, name: string | undefined): Promise<RawMap | undefined> {
  if (!name || name === 'none') return undefined;
  const load = async (): Promise<OmetriaMapping> =>
    (await import(pathToFileURL(join(root, 'connectors/source-ometria/dist/mapping.js')).href)) as OmetriaMapping;
  switch (name) {
    case 'ometria-profiles': {
      const { profile } = await load();
      return (p) => profile(p, {}, { updated_at: '2024-01-01T00:00:00.000Z' });
    }
    case 'ometria-email-events': {
      const { emailEvent } = await load();
      return (e) => emailEvent(e, {});
    }
    case 'wootric-dates':
      return (r) => {
        r.created_at = toIsoUtc(r.created_at);
        r.updated_at = toIsoUtc(r.updated_at);
        return r;
      };
    default:
      throw new Error(`unknown raw map '${name}'`);
  }
}
