// Matching a live request against recorded exchanges: REST on method, path, query, form and JSON
// body; SOAP on the operation and its parameters, read from the envelope, never the raw bytes.
import { XMLParser } from 'fast-xml-parser';
import type { Exchange } from './fixtures.js';
import { datasetParams } from './dataset.js';

export interface LiveRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

const xml = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true });

export interface SoapCall {
  action: string;
  params: Record<string, string>;
}

/** Reads the operation (first element of Body) and its leaf parameters from a SOAP envelope. */
export function soapCall(req: LiveRequest): SoapCall | undefined {
  if (!req.body.includes('Envelope')) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(req.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const env = doc.Envelope as Record<string, unknown> | undefined;
  const body = env?.Body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return undefined;
  const [op] = Object.keys(body);
  const params: Record<string, string> = {};
  const walk = (node: unknown, name: string): void => {
    if (node === null || typeof node !== 'object') {
      if (!(name in params)) params[name] = String(node ?? '');
      return;
    }
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, k);
  };
  walk(body[op], op);
  // header leaves too (e.g. the user name of a WSUser header), so a fixture can tell logins apart
  const head = env?.Header as Record<string, unknown> | undefined;
  if (head && typeof head === 'object') walk(head, 'Header');
  const header = (req.headers['soapaction'] ?? '').replace(/"/g, '');
  const action = header ? header.split('/').filter(Boolean).pop()! : op;
  return { action, params };
}

import { createHash } from 'node:crypto';

// "*" matches any value; "sha256:<hex>" matches a value by its hash, so a fixture can tell one API
// key from another without holding either.
const matches = (want: string, got: string | undefined): boolean => {
  if (want === '*') return got !== undefined;
  if (want.startsWith('sha256:'))
    return got !== undefined && createHash('sha256').update(got).digest('hex') === want.slice(7);
  return want === got;
};

function subset(want: unknown, got: unknown): boolean {
  if (want === '*') return got !== undefined;
  if (want === null || typeof want !== 'object') return want === got;
  if (!got || typeof got !== 'object') return false;
  if (Array.isArray(want))
    return Array.isArray(got) && want.length === got.length && want.every((w, i) => subset(w, (got as unknown[])[i]));
  return Object.entries(want as Record<string, unknown>).every(([k, v]) =>
    subset(v, (got as Record<string, unknown>)[k]),
  );
}

/** Differences between an exchange and a request; empty when it matches. */
export function differences(ex: Exchange, req: LiveRequest): string[] {
  const w = ex.request;
  const out: string[] = [];
  if ((w.method ?? 'GET').toUpperCase() !== req.method)
    out.push(`method: recorded ${w.method ?? 'GET'}, got ${req.method}`);
  if (w.path !== req.path) out.push(`path: recorded ${w.path}, got ${req.path}`);
  if (w.query || Object.keys(req.query).length) {
    const want = w.query ?? {};
    const computed = ex.dataset ? datasetParams(ex.dataset) : new Set<string>();
    for (const [k, v] of Object.entries(want))
      if (!matches(String(v), req.query[k])) out.push(`query ${k}: recorded ${v}, got ${req.query[k] ?? '(absent)'}`);
    for (const k of Object.keys(req.query))
      if (!(k in want) && !computed.has(k)) out.push(`query ${k}: not recorded, got ${req.query[k]}`);
  }
  if (w.form) {
    const got = Object.fromEntries(new URLSearchParams(req.body));
    for (const [k, v] of Object.entries(w.form))
      if (!matches(String(v), got[k]))
        out.push(
          `form ${k}: recorded ${v === '*' ? '(any)' : v}, got ${got[k] === undefined ? '(absent)' : k.includes('secret') || k.includes('password') ? '(a value)' : got[k]}`,
        );
  }
  if (w.json !== undefined) {
    let got: unknown;
    try {
      got = JSON.parse(req.body);
    } catch {
      got = undefined;
    }
    if (!subset(w.json, got)) out.push(`json body: recorded ${JSON.stringify(w.json)}, got ${req.body.slice(0, 200)}`);
  }
  if (w.soap) {
    const call = soapCall(req);
    if (!call) out.push(`soap: recorded ${w.soap.action}, got no SOAP envelope`);
    else {
      if (call.action !== w.soap.action) out.push(`soap action: recorded ${w.soap.action}, got ${call.action}`);
      for (const [k, v] of Object.entries(w.soap.params ?? {}))
        if (!matches(String(v), call.params[k]))
          out.push(`soap param ${k}: recorded ${v}, got ${call.params[k] ?? '(absent)'}`);
    }
  }
  for (const [k, v] of Object.entries(w.headers ?? {}))
    if (!matches(String(v), req.headers[k.toLowerCase()]))
      out.push(
        `header ${k}: recorded ${v === '*' ? '(present)' : v}, got ${req.headers[k.toLowerCase()] === undefined ? '(absent)' : '(other value)'}`,
      );
  return out;
}
