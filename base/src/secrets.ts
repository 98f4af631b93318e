// Masks secret values, and the forms they take on the wire, in every line the connector prints.
// Connectors never call this for output: the output writer and the logger do. Connectors only add
// secrets they obtain at run time (tokens), via ctx.secrets.add().
import type { JsonSchema } from './protocol.js';

const MASK = '****';
// An empty or one-character "secret" would mask every occurrence of a common character (airbyte#15684).
const MIN_SECRET_LENGTH = 3;

/**
 * Forms of one secret that all contain `anchor`: when the text lacks it, none of them can be there.
 * `probe` is the part of the anchor searched for (see SecretMasker.tune).
 */
interface FormGroup {
  anchor: string | undefined;
  probe: string | undefined;
  forms: string[];
}

// A search for a string runs at memory speed while the text lacks its first character and slows
// to a skip search once that character is common (as lowercase letters, digits and '-' are in
// records). So the probe starts at the anchor's character rarest in the output, and keeps at least
// this many characters so that a match still says something. When even that character is common
// (more than once a KiB), the whole anchor is searched: a skip search gains from a longer string.
const PROBE_MIN = 4;
const COMMON_PER_KIB = 1;

// URL and form encoding, JSON and XML escaping all leave letters and digits as they are, so the
// longest run of them in a secret is in every text form of it; likewise within a base64 form.
// Scanning for that one run first makes clean output (nearly all of it) cost one search per group
// instead of one per form.
const ANCHOR_MIN = 6;
const longestAlnumRun = (s: string): string | undefined => {
  const best = (s.match(/[A-Za-z0-9]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), '');
  return best.length >= ANCHOR_MIN ? best : undefined;
};
const urlSafe = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * The base64 forms of a secret: whole, and the characters that stand for it alone when it is
 * encoded inside a longer value (`Basic base64(user:secret)`), at each of the three byte offsets it
 * can start at. The 4-character groups shared with the bytes around it are left out; short cores are
 * skipped (they could be anything).
 */
function base64Groups(raw: string): FormGroup[] {
  const bytes = Buffer.from(raw);
  const groups: FormGroup[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = text.slice(offset === 0 ? 0 : 4, Math.floor((offset + bytes.length) / 3) * 4);
    const forms = offset === 0 ? [text, urlSafe(text)] : [];
    if (core.length >= 8) forms.push(core, urlSafe(core));
    if (forms.length) groups.push({ anchor: longestAlnumRun(core), probe: undefined, forms });
  }
  return groups;
}

export class SecretMasker {
  private groups: FormGroup[] = [];
  private seen = new Set<string>();
  /** How often each character (every one past 255 counted as 256) occurs in the output's sample. */
  private counts: Uint32Array | undefined;
  private sampled = 0;

  add(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const raw = String(value);
    if (raw.length < MIN_SECRET_LENGTH || this.seen.has(raw)) return;
    this.seen.add(raw);
    // a lone surrogate cannot be URL-encoded (URIError), so such a secret has no URL forms
    const url = (() => {
      try {
        return encodeURIComponent(raw);
      } catch {
        return raw;
      }
    })();
    const textForms = [
      raw,
      url,
      url.replace(/%20/g, '+'),
      JSON.stringify(raw).slice(1, -1),
      JSON.stringify(JSON.stringify(raw).slice(1, -1)).slice(1, -1),
      // as it sits in a SOAP envelope or any XML body
      raw
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&apos;'),
    ];
    for (const g of [{ anchor: longestAlnumRun(raw), forms: textForms }, ...base64Groups(raw)]) {
      // base64 of a short value can be shorter than the minimum; skip those so nothing common is masked
      const forms = [...new Set(g.forms)]
        .filter((f) => f.length >= MIN_SECRET_LENGTH)
        .sort((a, b) => b.length - a.length);
      // a secret whose encodings all agree (no character any of them rewrites) is its own anchor
      const anchor = g.anchor ?? (forms.length === 1 ? forms[0] : undefined);
      if (forms.length) this.groups.push({ anchor, probe: this.probeOf(anchor), forms });
    }
    // Longest first, so a value never leaves the tail of a longer form of itself behind.
    this.groups.sort((a, b) => b.forms[0].length - a.forms[0].length);
  }

  get size(): number {
    return this.groups.reduce((n, g) => n + g.forms.length, 0);
  }

  /**
   * Learns from a sample of the output which characters are common in it, and from then on probes
   * each group from its anchor's rarest character. The output writer tunes on its first chunk of
   * records; what is masked does not change, only how fast clean text is passed.
   */
  tune(sample: string): void {
    const counts = new Uint32Array(257);
    for (let i = 0; i < sample.length; i++) counts[Math.min(sample.charCodeAt(i), 256)]++;
    this.counts = counts;
    this.sampled = sample.length;
    for (const g of this.groups) g.probe = this.probeOf(g.anchor);
  }

  private probeOf(anchor: string | undefined): string | undefined {
    const counts = this.counts;
    if (anchor === undefined || !counts || anchor.length <= PROBE_MIN) return anchor;
    const count = (i: number): number => counts[Math.min(anchor.charCodeAt(i), 256)];
    let best = 0;
    for (let i = 1; i <= anchor.length - PROBE_MIN; i++) if (count(i) < count(best)) best = i;
    return count(best) * 1024 > this.sampled * COMMON_PER_KIB ? anchor : anchor.slice(best);
  }

  mask(text: string): string {
    let out = text;
    for (const g of this.groups) {
      if (g.probe !== undefined && !out.includes(g.probe)) continue;
      for (const f of g.forms) if (out.includes(f)) out = out.split(f).join(MASK);
    }
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
    // an object of free keys whose values are secrets (stream_map_config's hash seeds)
    if (n.additionalProperties && typeof n.additionalProperties === 'object')
      visit(n.additionalProperties, [...path, '*']);
  };
  visit(schema, prefix);
  return paths;
}

/** Collects the values found at the given paths of a config object ('*' walks every array element or object value). */
export function valuesAt(config: unknown, paths: string[][]): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (path.length === 0) {
      out.push(node);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const [head, ...rest] = path;
    if (head === '*') for (const el of Object.values(node)) walk(el, rest);
    else walk((node as Record<string, unknown>)[head], rest);
  };
  for (const p of paths) walk(config, p);
  return out;
}

export function maskerFor(spec: JsonSchema, config: unknown, masker = new SecretMasker()): SecretMasker {
  for (const v of valuesAt(config, secretPaths(spec))) masker.add(v);
  return masker;
}
