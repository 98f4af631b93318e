// The public API of @conkit/base: what base/API.md describes, and nothing more. Internals stay in
// their modules (tests import them from src/ directly); a name added here is a promise to keep it.

// protocol: message types and makers
export {
  messages,
  type JsonValue,
  type JsonObject,
  type JsonSchema,
  type FailureType,
  type SyncMode,
  type DestinationSyncMode,
  type LogLevel,
  type StreamStatus,
  type StreamDescriptor,
  type ConnectorSpecification,
  type AirbyteStream,
  type AirbyteCatalog,
  type ConfiguredAirbyteStream,
  type ConfiguredAirbyteCatalog,
  type AirbyteStreamState,
  type AirbyteStateMessage,
  type AirbyteRecordMessage,
  type AirbyteLogMessage,
  type AirbyteTraceMessage,
  type AirbyteConnectionStatus,
  type AirbyteMessage,
} from './protocol.js';

// a source and its streams
export { defineSource, type SourceDef, type Source, type CheckContext, type HttpContext } from './source.js';
export { runSource, type RunOptions } from './run.js';
export {
  defineStream,
  checkpoint,
  Checkpoint,
  normalizePrimaryKey,
  type StreamDef,
  type StreamContext,
  type StreamItem,
  type CursorTracker,
} from './stream.js';
export { restStream, pages, paged, type RestStreamDef, type RequestArgs } from './rest.js';
export {
  readByParts,
  partWindowStateSchema,
  type PartKey,
  type PartWindow,
  type PartWindowState,
  type ReadByParts,
} from './parts.js';
export { readPartitions, type PartitionRead } from './partitions.js';
export { readBookmarkedParts, bookmarksStateSchema, type BookmarkedParts } from './bookmarks.js';
export { dateWindows, type DateWindow } from './windows.js';
export { slidingWindow, slidingWindowPages, type SlidingWindowOptions } from './sliding.js';
export { streamJsonArray } from './json-array.js';
export { readBatches } from './batches.js';
export { columnsOf } from './columns.js';

// paging, HTTP, auth
export {
  pageNumber,
  offsetPaging,
  untilEmpty,
  cursorPaging,
  noPaging,
  type Paginator,
  type PageInfo,
  type PageToken,
} from './paginate.js';
export { pageLoop, type PageLoop, type FetchedPage } from './page-loop.js';
export {
  HttpClient,
  createHttpClient,
  type HttpOptions,
  type HttpRequest,
  type HttpResponse,
  type HttpAuth,
} from './http.js';
export { clientCredentials, type ClientCredentials } from './oauth.js';
export { type RateLimit } from './ratelimit.js';
export { type EndpointField } from './retry.js';

// errors, logging, secrets
export { ConnectorError, configError, transientError, systemError } from './errors.js';
export { type Logger } from './log.js';
export { SecretMasker, secretPaths, valuesAt } from './secrets.js';

// time and cursors
export { toIsoUtc, parseTimestamp, isoFromMs, nowIso, epochSeconds, oneYearAgo } from './time.js';
export { compareCursor } from './cursor.js';

// configs (the acceptance suite checks specs with the same validator)
export { createAjv } from './config.js';
