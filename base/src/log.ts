// Diagnostics go out as protocol LOG messages through the same masked writer as everything else.
import type { LogLevel } from './protocol.js';
import { messages } from './protocol.js';
import type { OutputWriter } from './output.js';
import { stackOf } from './errors.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

const ORDER: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export function createLogger(out: OutputWriter, minLevel: LogLevel = 'INFO'): Logger {
  const min = ORDER.indexOf(minLevel);
  const emit = (level: LogLevel, message: string, stack?: string): void => {
    if (ORDER.indexOf(level) < min) return;
    // back-pressure is honoured by the record path; logs are rare enough to queue
    void out.write(messages.log(level, message, stack));
  };
  return {
    debug: (m) => emit('DEBUG', m),
    info: (m) => emit('INFO', m),
    warn: (m) => emit('WARN', m),
    error: (m, err) => emit('ERROR', m, stackOf(err)),
  };
}

export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const v = (env.LOG_LEVEL ?? '').toUpperCase();
  return (ORDER as string[]).includes(v) ? (v as LogLevel) : 'INFO';
}
