// Ometria's vendor facts (WIRE.md): the API key in X-Ometria-Auth, v2 paths, 4 requests a second
// per account (a 429 when over; Retry-After is not documented), profiles paged by limit (max 250)
// and offset, its time formats. /v2/lists takes `mode` (default `active`) and documents no paging parameter.
import { isoFromMs, offsetPaging, pages, type HttpClient, type HttpOptions, type JsonObject } from '@conkit/base';
import type { Config } from './config.js';

export const httpOptions = (config: Config): HttpOptions => ({
  baseURL: config.base_url,
  endpoint: { field: 'base_url' },
  rateLimit: { perSecond: 4 },
  auth: { headers: () => ({ 'x-ometria-auth': config.api_key }), credential: "API key ('api_key')" },
});

const PAGE = 250;

/** `YYYY-MM-DDTHH:MM:SS` in UTC, floored to the second: the unsubscribes format. */
export const utcSeconds = (ms: number): string => isoFromMs(ms).slice(0, 19);

/** The `updateSince` date: the UTC day before the bound's day, so no zone reading of a bare date misses a change. */
export const dayBefore = (iso: string): string => isoFromMs(Date.parse(iso.slice(0, 10)) - 86_400_000).slice(0, 10);

// A GET's pages by limit and offset, sent also where no paging is documented (lists, unsubscribes,
// changes) so a default page size cannot cut an answer short; a service that ignores them repeats
// a page, which the kit's page loop ends with a WARN (WIRE.md "lists paging", "unsubscribes paging").
export const ometriaPages = (http: HttpClient, path: string, params: Record<string, unknown>) =>
  pages(http, (offset) => ({ path, params: { ...params, limit: PAGE, offset } }), offsetPaging({ limit: PAGE }));

/** Every list, archived ones too (mode=all): a page at a time. */
export const listPages = (http: HttpClient) => ometriaPages(http, '/v2/lists', { mode: 'all' });

/** Every list's id (the parts member_lists reads). */
export async function listIds(http: HttpClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of listPages(http)) ids.push(...page.map((l: JsonObject) => String(l.id)));
  return ids;
}

/** One list's membership changes since `from` (ISO), the undocumented `since` sent as in unsubscribes (WIRE.md). */
export const changePages = (http: HttpClient, id: string, from: string) =>
  ometriaPages(http, `/v2/lists/${encodeURIComponent(id)}/changes`, { since: utcSeconds(Date.parse(from)) });
