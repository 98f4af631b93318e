// One small errors module: every failure the kit reports carries an Airbyte failure type and a message
// a person can act on. Anything else that escapes is a system_error.
import type { FailureType } from './protocol.js';

export class ConnectorError extends Error {
  readonly failureType: FailureType;
  readonly internal?: string;
  /** The HTTP status the service answered, when the failure was one: callers decide on it, never on message text. */
  readonly status?: number;
  constructor(
    message: string,
    opts: { failureType?: FailureType; internal?: string; cause?: unknown; status?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConnectorError';
    this.failureType = opts.failureType ?? 'system_error';
    this.internal = opts.internal;
    this.status = opts.status;
  }
}

export const configError = (message: string, cause?: unknown): ConnectorError =>
  new ConnectorError(message, { failureType: 'config_error', cause });
export const transientError = (message: string, cause?: unknown): ConnectorError =>
  new ConnectorError(message, { failureType: 'transient_error', cause });
export const systemError = (message: string, cause?: unknown): ConnectorError =>
  new ConnectorError(message, { failureType: 'system_error', cause });

export function failureTypeOf(err: unknown): FailureType {
  return err instanceof ConnectorError ? err.failureType : 'system_error';
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function stackOf(err: unknown): string | undefined {
  return err instanceof Error ? err.stack : undefined;
}
