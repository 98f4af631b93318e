// What the HTTP client makes of an answer: its body read as asked (JSON, text or a stream), its
// headers as plain strings, and when the request failed, what to say: a status the service answered
// (naming what to fix in the config where the user can fix it) or a network error, named by its code.
import type { Readable } from 'node:stream';
import type { AxiosError, AxiosResponse } from 'axios';
import { ConnectorError } from './errors.js';

/** The body as the request asked for it; a JSON body that does not parse is for a retry. */
export function parseBody<T>(
  expect: 'json' | 'text' | 'stream' | undefined,
  res: AxiosResponse<string>,
): { ok: true; value: T } | { ok: false; reason: string } {
  if (expect === 'text') return { ok: true, value: res.data as unknown as T };
  if (expect === 'stream')
    return {
      ok: true,
      value: { status: res.status, headers: plainHeaders(res.headers), body: res.data } as unknown as T,
    };
  const body = res.data ?? '';
  if (body.trim() === '') return { ok: true, value: null as T };
  try {
    return { ok: true, value: JSON.parse(body) as T };
  } catch (e) {
    return { ok: false, reason: `${(e as Error).message}; ${body.length} bytes, possibly truncated` };
  }
}

/** Error statuses are judged on their text, like any other response, even when a stream was asked for. */
export async function readErrorBody(
  res: AxiosResponse<string>,
  responseType: 'stream' | 'text',
): Promise<AxiosResponse<string>> {
  if (responseType === 'stream' && (res.status < 200 || res.status >= 300)) {
    const chunks: Buffer[] = [];
    for await (const c of res.data as unknown as Readable) chunks.push(c as Buffer);
    res.data = Buffer.concat(chunks).toString('utf8');
  }
  return res;
}

export function plainHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((h ?? {}) as Record<string, unknown>))
    if (v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

/** The error for a status that is neither a success nor retried. `credential` names the auth in 401/403. */
export function statusError(what: string, status: number, body: unknown, credential = 'credentials'): ConnectorError {
  const reason = excerpt(body);
  const said = reason ? `: ${reason}` : '';
  if (status === 401 || status === 403) {
    const permissions = status === 403 ? ' and the permissions of the account' : '';
    return new ConnectorError(
      `The service rejected the ${credential} (HTTP ${status}${said}). Check the ${credential} in the config${permissions}.`,
      { failureType: 'config_error', status },
    );
  }
  if (status === 404)
    return new ConnectorError(`${what} answered HTTP 404 Not Found${said}. Check the base URL in the config.`, {
      status,
    });
  return new ConnectorError(`${what} answered HTTP ${status}${said}.`, { status });
}

function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine;
}

const isAxiosError = (err: unknown): err is AxiosError =>
  !!err && typeof err === 'object' && (err as { isAxiosError?: unknown }).isAxiosError === true;

/** The system error code behind a failed request (ECONNREFUSED, ENOTFOUND, ...), axios's wrapping looked through. */
export function networkCode(err: unknown): string | undefined {
  if (!isAxiosError(err)) return (err as { code?: string } | undefined)?.code;
  return err.code === 'ERR_BAD_RESPONSE' || !err.code
    ? ((err.cause as { code?: string } | undefined)?.code ?? err.code)
    : err.code;
}

export function describeNetworkError(err: unknown): string {
  if (isAxiosError(err)) {
    const code = err.code ?? (err.cause as { code?: string } | undefined)?.code;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return `timed out (${code})`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${code})`;
    if (code === 'ECONNREFUSED') return 'connection refused';
    return `${err.message}${code ? ` (${code})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
