// Singer mode (`main.js singer ...`, the tap-<vendor> bins): the same source, the same commands and
// the same read path as Airbyte mode, with two translations at the edges. In: the Singer catalog and
// state become the configured catalog and per-stream states the read path takes. Out: SingerWriter
// turns the messages the read path writes into Singer messages. runSource picks this mode by argv.
import type { Writable } from 'node:stream';
import type { ReadInputs } from '../cli.js';
import type { OutputWriter } from '../output.js';
import type { ConnectorSpecification } from '../protocol.js';
import type { SecretMasker } from '../secrets.js';
import { aboutText, tapName, type AboutFormat } from './about.js';
import { configuredFrom, type SelectedStream } from './catalog.js';
import { parseSingerArgs, type SingerCommand } from './cli.js';
import { bookmarksOf, perStreamStates, type Bookmarks } from './state.js';
import { SingerWriter } from './writer.js';

export interface SingerMode {
  writer(sink: Writable, masker: SecretMasker): OutputWriter;
  parse(argv: string[]): Promise<SingerCommand>;
}

export const isSingerMode = (argv: string[]): boolean => argv[0] === 'singer';

export function singerMode(source: { name: string; version: string; spec: ConnectorSpecification }): SingerMode {
  let format: AboutFormat = 'text';
  let selected = new Map<string, SelectedStream>();
  let bookmarks: Bookmarks = {};
  const run = { about: () => aboutText(source, format), selected: () => selected, bookmarks: () => bookmarks };
  const inputs = (flag: string): ReadInputs => ({
    catalogFlag: flag,
    catalog: (given, discovered) => {
      const r = configuredFrom(given, discovered, flag);
      selected = new Map(r.selected.map((s) => [s.name, s]));
      return r.configured;
    },
    state: (given) => {
      bookmarks = bookmarksOf(given);
      return perStreamStates(bookmarks);
    },
  });
  return {
    writer: (sink, masker) => new SingerWriter(sink, masker, run),
    parse: async (argv) => {
      const cmd = await parseSingerArgs(argv, tapName(source.name), source.version, inputs);
      format = cmd.aboutFormat ?? format;
      return cmd;
    },
  };
}
