// Fixtures must never hold a secret: scans a folder for each secret value and its encoded forms.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export function scanForSecrets(dir: string, secrets: string[]): string[] {
  const forms = secrets.filter((s) => s.length >= 3).flatMap((s) => [s, encodeURIComponent(s), Buffer.from(s).toString('base64')]);
  const hits: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) return readdirSync(p).forEach((f) => walk(join(p, f)));
    let text = readFileSync(p);
    if (p.endsWith('.gz')) text = gunzipSync(text);
    const s = text.toString('utf8');
    forms.forEach((f, i) => s.includes(f) && hits.push(`${p} holds secret #${Math.floor(i / 3) + 1}`));
  };
  walk(dir);
  return hits;
}
