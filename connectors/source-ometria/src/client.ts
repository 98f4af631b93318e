// Ometria's vendor facts (WIRE.md): the API key in X-Ometria-Auth, v2 paths, 4 requests a second
// per account (a 429 when over; Retry-After is not documented), profiles paged by limit (max 250)
// and offset. /v2/lists takes `mode` (default `active`) and documents no paging parameter.
import { offsetPaging, paged, type HttpClient, type HttpOptions, type HttpRequest, type PageToken } from '@conkit/base';
import type { Config } from './config.js';
import { utcSeconds } from './since.js';

export const PAGE = 250;

/**
 * Every list, archived ones too (mode=all). No paging is documented for /v2/lists (nor for
 * /v2/unsubscribes): limit/offset are sent all the same, so an undocumented default page size
 * cannot cut an answer short; if the service ignores them, the kit's page loop sees the repeated
 * page and ends the read with a WARN (WIRE.md "lists paging", "unsubscribes paging").
 */
export const listsRequest = (offset: PageToken | undefined, limit = PAGE): HttpRequest => ({
  path: '/v2/lists',
  params: { mode: 'all', limit, offset },
});

/** Every list's id (the parts member_lists reads). */
export async function listIds(http: HttpClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const l of paged(http, listsRequest, offsetPaging({ limit: PAGE }))) ids.push(String(l.id));
  return ids;
}

/** One list's membership changes since `from` (ISO), paged by limit/offset (WIRE.md "list changes"). */
export const changesRequest =
  (id: string, from: string) =>
  (offset: PageToken | undefined): HttpRequest => ({
    path: `/v2/lists/${encodeURIComponent(id)}/changes`,
    params: { since: utcSeconds(Date.parse(from)), limit: PAGE, offset },
  });

export const httpOptions = (config: Config): HttpOptions => ({
  baseURL: config.base_url,
  endpoint: { field: 'base_url' },
  rateLimit: { perSecond: 4 },
  auth: { headers: () => ({ 'x-ometria-auth': config.api_key }), credential: "API key ('api_key')" },
});
