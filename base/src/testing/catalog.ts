import type { AirbyteCatalog, ConfiguredAirbyteCatalog, SyncMode } from '../protocol.js';

/** A configured catalog selecting the given streams (all by default), incremental where supported unless told. */
export function catalogFor(
  catalog: AirbyteCatalog,
  opts: { streams?: string[]; mode?: SyncMode } = {},
): ConfiguredAirbyteCatalog {
  return {
    streams: catalog.streams
      .filter((s) => !opts.streams || opts.streams.includes(s.name))
      .map((s) => {
        const incremental =
          (opts.mode ?? 'incremental') === 'incremental' && s.supported_sync_modes.includes('incremental');
        return {
          stream: s,
          sync_mode: incremental ? 'incremental' : 'full_refresh',
          destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
          cursor_field: incremental ? s.default_cursor_field : undefined,
          primary_key: s.source_defined_primary_key,
        };
      }),
  };
}
