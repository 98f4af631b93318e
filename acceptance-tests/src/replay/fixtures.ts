// The fixture format: YAML files of recorded exchanges, one exchange per entry, readable and small.
// See acceptance-tests/FORMAT.md.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface FaultSpec {
  /** Answer with this status instead (429, 500, 502, 503...). */
  status?: number;
  /** Retry-After header value, in seconds, with a status. */
  retryAfter?: number;
  /** Extra response headers with the fault status. */
  headers?: Record<string, string>;
  /** Body of the fault response (a SOAP fault envelope, an S3 error XML...). */
  body?: string;
  /** Send the headers and part of the body, then destroy the socket. */
  drop?: boolean;
  /** Send a body cut at this fraction (0..1) with a matching content-length: a well-formed but truncated body. */
  truncate?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** How many matching requests get the fault before the real answer is served (default 1). */
  times?: number;
  /** Only requests to exchanges whose name matches this pattern (run-level faults). */
  match?: string;
  /** Skip this many matching requests before the fault starts (default 0). */
  after?: number;
  /**
   * Fire on one matching request in every N (the Nth, 2Nth, ... after `after`) instead of on
   * consecutive ones, until `times` is used up: a steady share of failing responses.
   */
  every?: number;
}

export interface ExchangeRequest {
  method?: string;
  path: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  soap?: { action: string; params?: Record<string, string> };
  headers?: Record<string, string>;
}

export interface ExchangeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  bodyFile?: string;
  text?: string;
}

export interface Exchange {
  name: string;
  request: ExchangeRequest;
  /** A fixed answer, or (dataset) one computed from recorded records with documented filters and paging. */
  response: ExchangeResponse;
  dataset?: import('./dataset.js').DatasetSpec;
  times?: number;
  optional?: boolean;
  fault?: FaultSpec;
  /** Directory of the YAML file, for bodyFile. */
  dir?: string;
}

export function loadExchanges(dirOrFile: string): Exchange[] {
  const files: string[] = [];
  const visit = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) visit(join(p, f));
    } else if (/\.ya?ml$/.test(p)) files.push(p);
  };
  visit(resolve(dirOrFile));
  const all: Exchange[] = [];
  for (const f of files) {
    const list = parse(readFileSync(f, 'utf8')) as Exchange[] | null;
    if (!list) continue;
    if (!Array.isArray(list)) throw new Error(`${f}: a fixture file must be a YAML list of exchanges`);
    for (const ex of list) {
      if (ex && ex.dataset && !ex.response) ex.response = {};
      if (!ex?.name || !ex.request?.path)
        throw new Error(`${f}: every exchange needs name and request.path (${JSON.stringify(ex).slice(0, 120)})`);
      all.push({ ...ex, dir: dirname(f) });
    }
  }
  const names = new Set<string>();
  for (const ex of all) {
    if (names.has(ex.name)) throw new Error(`fixture name '${ex.name}' is used twice under ${dirOrFile}`);
    names.add(ex.name);
  }
  return all;
}

export function responseBody(ex: Exchange): { text: string; contentType: string } {
  const r = ex.response;
  if (r.bodyFile) {
    const text = readFileSync(join(ex.dir ?? '.', r.bodyFile), 'utf8');
    return { text, contentType: /\.xml$/.test(r.bodyFile) ? 'text/xml; charset=utf-8' : 'application/json' };
  }
  if (r.text !== undefined) return { text: r.text, contentType: 'text/plain; charset=utf-8' };
  if (r.body !== undefined) return { text: JSON.stringify(r.body), contentType: 'application/json' };
  return { text: '', contentType: 'text/plain' };
}
