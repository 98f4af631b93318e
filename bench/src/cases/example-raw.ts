// The raw pipeline the kit is measured against: fetch each page, JSON.parse, JSON.stringify each
// record as a RECORD line, write with back-pressure. No validation, masking, state or retries. Like
// the kit, it asks for the next page (once this one is known to be full) before writing this one,
// so the comparison is of the work per record, not of who overlaps the network.
const [baseUrl, pageSize] = [process.argv[2], Number(process.argv[3])];
let buf = '';
const flush = async (): Promise<void> => {
  if (!process.stdout.write(buf)) await new Promise((r) => process.stdout.once('drain', r));
  buf = '';
};
const get = (page: number): Promise<Response> =>
  fetch(`${baseUrl}/items?page=${page}&per_page=${pageSize}&since=2020-01-01T00:00:00Z`);
let next: Promise<Response> | undefined = get(1);
for (let page = 1; next; page++) {
  const body = (await (await next).json()) as { items: Record<string, unknown>[] };
  next = body.items.length < pageSize ? undefined : get(page + 1);
  if (next) await new Promise((r) => setImmediate(r)); // let the request reach the socket
  for (const item of body.items) {
    buf += JSON.stringify({ type: 'RECORD', record: { stream: 'items', data: item, emitted_at: Date.now() } }) + '\n';
    if (buf.length > 65536) await flush();
  }
}
await flush();
