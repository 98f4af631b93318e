// The raw pipeline the kit is measured against: fetch each page, JSON.parse, JSON.stringify each
// record as a RECORD line, write with back-pressure. No validation, masking, state or retries.
const [baseUrl, pageSize] = [process.argv[2], Number(process.argv[3])];
let buf = '';
const flush = async (): Promise<void> => {
  if (!process.stdout.write(buf)) await new Promise((r) => process.stdout.once('drain', r));
  buf = '';
};
for (let page = 1; ; page++) {
  const res = await fetch(`${baseUrl}/items?page=${page}&per_page=${pageSize}&since=2020-01-01T00:00:00Z`);
  const body = (await res.json()) as { items: Record<string, unknown>[] };
  for (const item of body.items) {
    buf += JSON.stringify({ type: 'RECORD', record: { stream: 'items', data: item, emitted_at: Date.now() } }) + '\n';
    if (buf.length > 65536) await flush();
  }
  if (body.items.length < pageSize) break;
}
await flush();
