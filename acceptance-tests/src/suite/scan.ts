// Secrets must never show: every form a secret takes on the wire or in a log, and a scanner for
// folders (fixtures a recorder wrote, files a sync wrote). Written apart from the kit's masker so a
// form the masker forgets is still found here.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * Base64 of the secret wherever it sits inside a longer value (`Basic base64(user:secret)`): for
 * each of the three byte alignments, the characters that depend on the secret's bytes alone.
 */
function embeddedBase64(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const out: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const b64 = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64');
    const from = lead === 0 ? 0 : 4; // the first group mixes the secret with what precedes it
    const whole = Math.floor((lead + bytes.length) / 3) * 4; // the last partial group mixes with what follows
    const core = b64.slice(from, whole);
    if (core.length >= 8) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/** The secret and the forms it takes: URL and form encoding, base64 (also inside a longer value), JSON and XML escaping. */
export function secretForms(secret: string): string[] {
  if (secret.length < 3) return [];
  const forms = [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
    xmlEscape(secret),
    ...embeddedBase64(secret),
  ];
  return [...new Set(forms)];
}

/** Which form of which secret a text holds, if any (secrets numbered from 1). */
export function findSecret(text: string, secrets: string[]): string | undefined {
  for (const [i, s] of secrets.entries()) {
    const form = secretForms(s).find((f) => text.includes(f));
    if (form !== undefined) return `secret #${i + 1}${form === s ? '' : ' (encoded)'}`;
  }
  return undefined;
}

export function scanForSecrets(dir: string, secrets: string[]): string[] {
  const hits: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) return readdirSync(p).forEach((f) => walk(join(p, f)));
    let text = readFileSync(p);
    if (p.endsWith('.gz')) text = gunzipSync(text);
    const hit = findSecret(text.toString('utf8'), secrets);
    if (hit) hits.push(`${p} holds ${hit}`);
  };
  walk(dir);
  return hits;
}
