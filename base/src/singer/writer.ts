// The Singer side of the shared read path: an OutputWriter that takes the Airbyte messages the kit
// writes and prints Singer messages (singer-io/getting-started docs/SPEC.md) in their place:
//   RECORD       -> SCHEMA (once per stream, before its first RECORD) and RECORD with time_extracted
//   STATE        -> STATE {"value": {"bookmarks": {...every stream's latest state}}}
//   LOG          -> stderr (Singer's stdout carries only messages)
//   TRACE ERROR  -> stderr (runSource still exits non-zero after it)
//   stream status, estimates -> dropped (STARTED still sends the stream's SCHEMA, so a stream
//   without records gets its table downstream)
//   CATALOG, SPEC -> the Singer catalog, the --about text
// Masking, batching and back-pressure stay the base writer's: every line goes through it.
import type { Writable } from 'node:stream';
import { OutputWriter } from '../output.js';
import type { AirbyteMessage, JsonObject } from '../protocol.js';
import type { SecretMasker } from '../secrets.js';
import { isoFromMs } from '../time.js';
import { singerCatalog, type SelectedStream } from './catalog.js';
import type { Bookmarks } from './state.js';

/** What the writer prints for CATALOG and SPEC, and the selected streams' SCHEMA messages. */
export interface SingerRun {
  about(): string;
  selected(): Map<string, SelectedStream>;
  /** The --state file's bookmarks: streams this run does not read keep theirs in every STATE. */
  bookmarks(): Bookmarks;
}

interface StreamOut {
  /** `{"type":"RECORD","stream":"name","record":` */
  head: string;
  info: SelectedStream | undefined;
  schemaSent: boolean;
}

// The kit's record line: {"type":"RECORD","record":{"stream":<name>,"data":<data>,"emitted_at":<ms>}}.
// Its data is passed on as it is, not parsed again; any other line shape is parsed as JSON.
const RECORD_HEAD = '{"type":"RECORD","record":{"stream":';
const DATA = ',"data":';
const EMITTED = ',"emitted_at":';
const DIGITS = /^\d+$/;

export class SingerWriter extends OutputWriter {
  private readonly streams = new Map<string, StreamOut>();
  private bookmarks: Map<string, JsonObject> | undefined;
  private extractedMs = -1;
  private extractedTail = '';

  constructor(
    sink: Writable,
    private readonly mask: SecretMasker,
    private readonly run: SingerRun,
  ) {
    super(sink, mask);
  }

  override write(msg: AirbyteMessage): Promise<void> | undefined {
    switch (msg.type) {
      case 'RECORD':
        return this.record(JSON.stringify(msg.record.stream), JSON.stringify(msg.record.data), msg.record.emitted_at);
      case 'STATE': {
        const s = msg.state.stream;
        if (!s) return undefined; // the kit writes per-stream states only
        const bookmarks = (this.bookmarks ??= new Map(Object.entries(this.run.bookmarks())));
        const state = s.stream_state ?? {};
        // an empty state resumes nothing: leaving it out keeps the next run's state check quiet
        if (Object.keys(state).length) bookmarks.set(s.stream_descriptor.name, state);
        else bookmarks.delete(s.stream_descriptor.name);
        return super.writeLine(JSON.stringify({ type: 'STATE', value: { bookmarks: Object.fromEntries(bookmarks) } }));
      }
      case 'TRACE':
        if (msg.trace.type === 'STREAM_STATUS' && msg.trace.stream_status?.status === 'STARTED')
          return this.schemaOnce(this.out(JSON.stringify(msg.trace.stream_status.stream_descriptor.name)));
        if (msg.trace.type === 'ERROR' && msg.trace.error) {
          const e = msg.trace.error;
          this.stderr(`CRITICAL ${e.message}${e.stack_trace ? `\n${e.stack_trace}` : ''}`);
        }
        return undefined;
      case 'LOG':
        this.stderr(`${msg.log.level === 'WARN' ? 'WARNING' : msg.log.level} ${msg.log.message}`);
        return undefined;
      case 'CATALOG':
        return super.writeLine(JSON.stringify(singerCatalog(msg.catalog), null, 2));
      case 'SPEC':
        return super.writeLine(this.run.about());
      case 'CONNECTION_STATUS':
        this.stderr(`${msg.connectionStatus.status} ${msg.connectionStatus.message ?? ''}`.trim());
        return undefined;
    }
  }

  override writeLine(json: string): Promise<void> | undefined {
    if (json.startsWith(RECORD_HEAD)) {
      const dataAt = json.indexOf(DATA, RECORD_HEAD.length);
      const emittedAt = json.lastIndexOf(EMITTED);
      const ms = json.slice(emittedAt + EMITTED.length, -2);
      if (dataAt > 0 && emittedAt > dataAt && json.endsWith('}}') && DIGITS.test(ms))
        return this.record(
          json.slice(RECORD_HEAD.length, dataAt),
          json.slice(dataAt + DATA.length, emittedAt),
          Number(ms),
        );
    }
    return this.write(JSON.parse(json) as AirbyteMessage);
  }

  private record(streamJson: string, dataJson: string, emittedAt: number): Promise<void> | undefined {
    const out = this.out(streamJson);
    if (!out.schemaSent) void this.schemaOnce(out);
    if (emittedAt !== this.extractedMs)
      [this.extractedMs, this.extractedTail] = [emittedAt, `,"time_extracted":"${isoFromMs(emittedAt)}"}`];
    const data = out.info?.deselected.size ? withoutProperties(dataJson, out.info.deselected) : dataJson;
    return super.writeLine(out.head + data + this.extractedTail);
  }

  private out(streamJson: string): StreamOut {
    let out = this.streams.get(streamJson);
    if (!out) {
      const name = JSON.parse(streamJson) as string;
      out = {
        head: `{"type":"RECORD","stream":${streamJson},"record":`,
        info: this.run.selected().get(name),
        schemaSent: false,
      };
      this.streams.set(streamJson, out);
    }
    return out;
  }

  private schemaOnce(out: StreamOut): Promise<void> | undefined {
    if (out.schemaSent || !out.info) return undefined;
    out.schemaSent = true;
    const { name, schema, keyProperties, bookmarkProperties } = out.info;
    return super.writeLine(
      JSON.stringify({
        type: 'SCHEMA',
        stream: name,
        schema,
        key_properties: keyProperties,
        ...(bookmarkProperties.length ? { bookmark_properties: bookmarkProperties } : {}),
      }),
    );
  }

  private stderr(line: string): void {
    process.stderr.write(this.mask.mask(line) + '\n');
  }
}

/** A record without the properties the catalog deselected: the rare slow path, parsed and written again. */
function withoutProperties(dataJson: string, drop: Set<string>): string {
  const data = JSON.parse(dataJson) as JsonObject;
  return JSON.stringify(Object.fromEntries(Object.entries(data).filter(([p]) => !drop.has(p))));
}
