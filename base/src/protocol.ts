// Types for the Airbyte protocol v0.18 messages a source prints, and small makers for them.
// The YAML in ../protocol is the source of truth; tests validate every printed line against it.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };
export type JsonSchema = { [k: string]: unknown };

export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type SyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'overwrite_dedup';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface ConnectorSpecification {
  documentationUrl?: string;
  changelogUrl?: string;
  connectionSpecification: JsonSchema;
  supportsIncremental?: boolean;
  supportsNormalization?: boolean;
  supportsDBT?: boolean;
  supported_destination_sync_modes?: DestinationSyncMode[];
  protocol_version?: string;
  [k: string]: unknown;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonSchema;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  namespace?: string;
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  cursor_field?: string[];
  destination_sync_mode: DestinationSyncMode;
  primary_key?: string[][];
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: JsonObject;
}

export interface AirbyteStateMessage {
  type?: 'GLOBAL' | 'STREAM' | 'LEGACY';
  stream?: AirbyteStreamState;
  global?: { shared_state?: JsonObject; stream_states: AirbyteStreamState[] };
  data?: JsonObject;
  sourceStats?: { recordCount?: number; rejectedRecordCount?: number };
}

export interface AirbyteRecordMessage {
  stream: string;
  data: JsonObject;
  emitted_at: number;
  namespace?: string;
}
export interface AirbyteLogMessage {
  level: LogLevel;
  message: string;
  stack_trace?: string;
}

export interface AirbyteTraceMessage {
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  emitted_at: number;
  error?: {
    message: string;
    internal_message?: string;
    stack_trace?: string;
    failure_type?: FailureType;
    stream_descriptor?: StreamDescriptor;
  };
  estimate?: {
    name: string;
    type: 'STREAM' | 'SYNC';
    namespace?: string;
    row_estimate?: number;
    byte_estimate?: number;
  };
  stream_status?: {
    stream_descriptor: StreamDescriptor;
    status: StreamStatus;
    reasons?: { type: 'RATE_LIMITED'; rate_limited?: { quota_reset?: number } }[];
  };
  analytics?: { type: string; value?: string };
}

export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: AirbyteLogMessage }
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: AirbyteConnectionStatus }
  | { type: 'CATALOG'; catalog: AirbyteCatalog }
  | { type: 'TRACE'; trace: AirbyteTraceMessage };

export const messages = {
  record: (stream: string, data: JsonObject, emittedAt = Date.now()): AirbyteMessage => ({
    type: 'RECORD',
    record: { stream, data, emitted_at: emittedAt },
  }),
  streamState: (stream: string, streamState: JsonObject, recordCount: number): AirbyteMessage => ({
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  }),
  log: (level: LogLevel, message: string, stackTrace?: string): AirbyteMessage => ({
    type: 'LOG',
    log: stackTrace ? { level, message, stack_trace: stackTrace } : { level, message },
  }),
  spec: (spec: ConnectorSpecification): AirbyteMessage => ({ type: 'SPEC', spec }),
  connectionStatus: (status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage => ({
    type: 'CONNECTION_STATUS',
    connectionStatus: message === undefined ? { status } : { status, message },
  }),
  catalog: (catalog: AirbyteCatalog): AirbyteMessage => ({ type: 'CATALOG', catalog }),
  streamStatus: (stream: string, status: StreamStatus): AirbyteMessage => ({
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: Date.now(),
      stream_status: { stream_descriptor: { name: stream }, status },
    },
  }),
  error: (
    message: string,
    failureType: FailureType,
    opts: { internal?: string; stack?: string; stream?: string } = {},
  ): AirbyteMessage => ({
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message,
        failure_type: failureType,
        ...(opts.internal ? { internal_message: opts.internal } : {}),
        ...(opts.stack ? { stack_trace: opts.stack } : {}),
        ...(opts.stream ? { stream_descriptor: { name: opts.stream } } : {}),
      },
    },
  }),
};
