// Masks secret values, and the forms they take on the wire, in every line the connector prints.
// Connectors never call this for output: the output writer and the logger do. Connectors only add
// secrets they obtain at run time (tokens), via ctx.secrets.add().
import type { JsonSchema } from './protocol.js';

const MASK = '****';
// An empty or one-character "secret" would mask every occurrence of a common character (airbyte#15684).
const MIN_SECRET_LENGTH = 3;

/**
 * The base64 characters that stand for the secret alone when it is encoded inside a longer value
 * (`Basic base64(user:secret)`), at each of the three byte offsets it can start at. The 4-character
 * groups shared with the bytes around it are left out; short cores are skipped (they could be anything).
 */
function base64Inside(raw: string): string[] {
  const bytes = Buffer.from(raw);
  const cores: string[] = [];
  for (let offset = 1; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = text.slice(4, Math.floor((offset + bytes.length) / 3) * 4);
    if (core.length >= 8) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // at offset 0 the whole groups are a prefix of the plain base64 form
  const whole = Buffer.from(raw).toString('base64').slice(0, Math.floor(bytes.length / 3) * 4);
  if (whole.length >= 8) cores.push(whole, whole.replace(/\+/g, '-').replace(/\//g, '_'));
  return cores;
}

export class SecretMasker {
  private forms: string[] = [];

  add(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const raw = String(value);
    if (raw.length < MIN_SECRET_LENGTH) return;
    const candidates = [
      raw,
      encodeURIComponent(raw),
      encodeURIComponent(raw).replace(/%20/g, '+'),
      Buffer.from(raw).toString('base64'),
      Buffer.from(raw).toString('base64url'),
      JSON.stringify(raw).slice(1, -1),
      JSON.stringify(JSON.stringify(raw).slice(1, -1)).slice(1, -1),
      // as it sits in a SOAP envelope or any XML body
      raw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
      ...base64Inside(raw),
    ];
    for (const c of candidates) {
      // base64 of a short value can be shorter than the minimum; skip those so nothing common is masked
      if (c.length >= MIN_SECRET_LENGTH && !this.forms.includes(c)) this.forms.push(c);
    }
    // Longest first, so a value never leaves the tail of a longer form of itself behind.
    this.forms.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.forms.length;
  }

  mask(text: string): string {
    let out = text;
    for (const f of this.forms) if (out.includes(f)) out = out.split(f).join(MASK);
    return out;
  }
}

/** Walks a connection specification and returns the JSON paths of every `airbyte_secret` property. */
export function secretPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  const visit = (node: unknown, path: string[]): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.airbyte_secret === true) paths.push(path);
    const props = n.properties as Record<string, unknown> | undefined;
    if (props) for (const [k, v] of Object.entries(props)) visit(v, [...path, k]);
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      const alts = n[key];
      if (Array.isArray(alts)) for (const alt of alts) visit(alt, path);
    }
    if (n.items) visit(n.items, [...path, '*']);
  };
  visit(schema, prefix);
  return paths;
}

/** Collects the values found at the given paths of a config object ('*' walks every array element). */
export function valuesAt(config: unknown, paths: string[][]): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (path.length === 0) {
      out.push(node);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const [head, ...rest] = path;
    if (head === '*' && Array.isArray(node)) for (const el of node) walk(el, rest);
    else walk((node as Record<string, unknown>)[head], rest);
  };
  for (const p of paths) walk(config, p);
  return out;
}

export function maskerFor(spec: JsonSchema, config: unknown, masker = new SecretMasker()): SecretMasker {
  for (const v of valuesAt(config, secretPaths(spec))) masker.add(v);
  return masker;
}
