// A SOAP fault in the middle of a paged ReportRange* report: after pages (and a STATE) of the stream
// have gone out. A fault that persists is a transient failure once the retries run out: exit 1, a
// TRACE ERROR naming the stream and the operation, a last STATE that is valid, and a second run from
// it completes the set. A fault that happens once is retried and the read is the clean one.
import { afterEach, describe, expect, it } from 'vitest';
import { soapCall, type ConnectorHarness } from '@conkit/acceptance-tests';
import { listrakHarness } from './harness.js';
import { validateMessage, type ConnectorRun } from '@conkit/base/testing';

const PASSWORD = 'listrak-test-password-77f0';
// retries (if any) back off from 1 ms, so a persistent fault does not hold the test for a minute
const listrak = () => listrakHarness(PASSWORD, { env: { CONKIT_RETRY_BASE_MS: '1' } });
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());
const read = (stream: string, state?: unknown[]) => h!.read([stream], { state });

// ASP.NET's answer when the database behind a Listrak report times out: a server-side fault
const SERVER_FAULT =
  '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to process request. ---&gt; Timeout expired</faultstring></soap:Fault></soap:Body></soap:Envelope>';
const faultResponse = { status: 500, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: SERVER_FAULT };

const KEYS: Record<string, (d: Record<string, unknown>) => string> = {
  message_opens: (d) => `${String(d.MsgID)}|${String(d.EmailAddress)}`,
  subscribed_contacts: (d) => `${String(d.ContactID)}|${String(d.ListID)}`,
};
const keysOf = (run: ConnectorRun, stream: string) => h!.records(run, stream).map(KEYS[stream]);

/**
 * The fixtures' report pages hold a handful of rows; a STATE goes out mid-stream only every 10,000
 * records. This server answers ReportRangeMessageContactOpen for message 5001 (the first message)
 * with pages of generated rows (6,000, 6,000, 40, then empty) and everything else from the fixtures;
 * `faultsLeft` pages 3 get the server fault.
 */
const PAGE_ROWS = [6000, 6000, 40];
async function bigOpens(): Promise<{ h: ConnectorHarness; setFaults: (k: number) => void; page3Calls: () => number }> {
  const big = await listrak();
  const s = big.server;
  let faultsLeft = 0;
  let page3 = 0;
  const envelope = (inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ReportRangeMessageContactOpenResponse xmlns="http://webservices.listrak.com/v31/"><ReportRangeMessageContactOpenResult>${inner}</ReportRangeMessageContactOpenResult></ReportRangeMessageContactOpenResponse></soap:Body></soap:Envelope>`;
  s.addHandler((req) => {
    const call = soapCall(req);
    if (call?.action !== 'ReportRangeMessageContactOpen' || call.params.MsgID !== '5001') return undefined;
    const page = Number(call.params.Page);
    if (page === 3) {
      page3++;
      if (faultsLeft > 0) {
        faultsLeft--;
        return faultResponse;
      }
    }
    const before = PAGE_ROWS.slice(0, page - 1).reduce((a, b) => a + b, 0);
    const rows = Array.from({ length: PAGE_ROWS[page - 1] ?? 0 }, (_, i) => {
      const k = before + i;
      return `<WSContactOpen><ContactID>${100000 + k}</ContactID><EmailAddress>opener${k}@example.com</EmailAddress><OpenDate>2024-02-0${1 + (k % 9)}T0${k % 10}:15:00</OpenDate></WSContactOpen>`;
    }).join('');
    return { headers: { 'content-type': 'text/xml; charset=utf-8' }, body: envelope(rows) };
  });
  return { h: big, setFaults: (k) => void (faultsLeft = k), page3Calls: () => page3 };
}

describe('source-listrak: a SOAP fault mid-pagination', () => {
  it('a persistent server fault on page 3 of message_opens after a STATE: transient_error naming stream and operation, a valid last STATE, and a rerun from it completes the set', async () => {
    const big = await bigOpens();
    h = big.h;
    const clean = await read('message_opens');
    expect(clean.code).toBe(0);
    const cleanKeys = keysOf(clean, 'message_opens');
    expect(cleanKeys.length).toBe(12_040 + 4); // generated rows of 5001, plus 5002's and 6001's fixture rows
    expect(new Set(cleanKeys).size).toBe(cleanKeys.length);

    big.setFaults(Number.MAX_SAFE_INTEGER);
    const callsBefore = big.page3Calls();
    const failed = await read('message_opens');
    expect(failed.code).toBe(1);

    // the scenario: pages 1 and 2 went out, and a STATE of message_opens, before the error
    const lines = failed.messages as {
      type?: string;
      state?: { stream?: { stream_descriptor: { name: string } } };
      trace?: { type: string };
    }[];
    const firstError = lines.findIndex((m) => m.type === 'TRACE' && m.trace!.type === 'ERROR');
    expect(firstError).toBeGreaterThan(0);
    const statesBefore = lines
      .slice(0, firstError)
      .filter((m) => m.type === 'STATE' && m.state!.stream?.stream_descriptor.name === 'message_opens');
    expect(statesBefore.length).toBeGreaterThan(0);
    const failedKeys = keysOf(failed, 'message_opens');
    expect(failedKeys.length).toBeGreaterThanOrEqual(12_000);
    expect(failedKeys.length).toBeLessThan(cleanKeys.length);

    // the error names the stream and the operation (with the page), and it is transient
    const errors = h.errors(failed);
    const named = errors.filter(
      (e) =>
        e.message.includes('message_opens') && /ReportRangeMessageContactOpen\(MsgID=5001,.*Page=3\)/.test(e.message),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const e of named) expect.soft(e.failure_type).toBe('transient_error');
    for (const e of errors) expect.soft(e.failure_type, e.message).not.toBe('system_error');
    expect.soft(named[0]?.stream_descriptor?.name).toBe('message_opens');
    expect.soft(h.statuses(failed)).toContain('message_opens:INCOMPLETE');
    // "retries run out": the faulted page was asked again before giving up
    expect.soft(big.page3Calls() - callsBefore).toBeGreaterThan(1);
    expect(failed.stdout + failed.stderr).not.toContain(PASSWORD);

    // the last STATE before the error is valid: a protocol STREAM state of message_opens covering
    // exactly the records printed before it (full refresh: an empty stream_state)
    const last = statesBefore.at(-1) as unknown as {
      type: 'STATE';
      state: {
        type: string;
        stream: { stream_descriptor: { name: string }; stream_state: Record<string, unknown> };
        sourceStats?: { recordCount?: number };
      };
    };
    expect(validateMessage(last)).toEqual([]);
    expect(last.state.type).toBe('STREAM');
    expect(last.state.stream.stream_descriptor.name).toBe('message_opens');
    expect(last.state.stream.stream_state).toEqual({});
    const lastAt = lines.indexOf(last as never);
    const recordsBeforeLast = lines.slice(0, lastAt).filter((m) => m.type === 'RECORD').length;
    const covered = statesBefore.reduce((sum, m) => sum + ((m as typeof last).state.sourceStats?.recordCount ?? 0), 0);
    expect(covered).toBe(recordsBeforeLast);

    // a second run from that state, the fault gone, completes the set
    big.setFaults(0);
    const rerun = await read('message_opens', [last.state]);
    expect(rerun.code).toBe(0);
    const union = new Set([...failedKeys, ...keysOf(rerun, 'message_opens')]);
    expect(union).toEqual(new Set(cleanKeys));
    expect(cleanKeys.filter((k) => !union.has(k))).toEqual([]);
  }, 120_000);

  it("incremental message_opens checkpoints after each message; failing on the last one, a rerun from its last STATE reads only that message over the old window, and the next run every message from that window's end", async () => {
    h = await listrak();
    // one message at a time, so the checkpoints come in key order (concurrent parts: base/test/parts.test.ts)
    const readInc = (state?: unknown[]) =>
      h!.read(['message_opens'], { mode: 'incremental', state, config: { max_concurrency: 1 } });
    const clean = await readInc();
    expect(clean.code).toBe(0);
    const cleanKeys = keysOf(clean, 'message_opens');
    expect(cleanKeys.length).toBeGreaterThan(0);
    type StateMsg = {
      type: 'STATE';
      state: { type: string; stream: { stream_descriptor: { name: string }; stream_state: Record<string, unknown> } };
    };
    const statesOf = (run: ConnectorRun) =>
      (run.messages as StateMsg[]).filter(
        (m) => m.type === 'STATE' && m.state.stream?.stream_descriptor.name === 'message_opens',
      );
    // messages in key order: list 101 (5001, 5002), list 202 (6001); a STATE after each, then the window's end
    expect(
      statesOf(clean).map(
        (m) => (m.state.stream.stream_state.resume as { after?: unknown } | undefined)?.after ?? 'end',
      ),
    ).toEqual([['101', '5001'], ['101', '5002'], ['202', '6001'], 'end']);
    const cleanEnd = statesOf(clean).at(-1)!.state.stream.stream_state;
    expect(Object.keys(cleanEnd)).toEqual(['until']);

    // message 6001 fails for good: 5001 and 5002 are through and checkpointed
    h.server.addFault({
      ...faultResponse,
      match: '^ReportRangeMessageContactOpen 6001',
      times: Number.MAX_SAFE_INTEGER,
    });
    const failed = await readInc();
    expect(failed.code).toBe(1);
    expect(
      h
        .errors(failed)
        .some(
          (e) =>
            e.failure_type === 'transient_error' &&
            e.message.includes('message_opens') &&
            e.message.includes('MsgID=6001'),
        ),
    ).toBe(true);
    const last = statesOf(failed).at(-1)!;
    expect(validateMessage(last as never)).toEqual([]);
    const saved = last.state.stream.stream_state as { until: string; resume: { end: string; after: string[] } };
    expect(saved.until).toBe('2024-01-01T00:00:00.000Z');
    expect(saved.resume.after).toEqual(['101', '5002']);

    // the rerun, the fault gone
    await h.close();
    h = await listrak();
    const rerun = await readInc([last.state]);
    expect(rerun.code).toBe(0);
    const opensAsked = () =>
      h!.server
        .requests()
        .map((r) => soapCall(r))
        .filter((c) => c?.action === 'ReportRangeMessageContactOpen' && c.params.Page === '1')
        .map((c) => ({ msg: c!.params.MsgID, start: c!.params.StartDate, end: c!.params.EndDate }));
    const plain = (iso: string) => iso.replace(/\.\d+Z$/, 'Z'); // sent as UTC with Z, seconds precision
    // only the message that was not through, over the old window; the state is then that window's end
    expect(opensAsked()).toEqual([{ msg: '6001', start: plain(saved.until), end: plain(saved.resume.end) }]);
    const end = statesOf(rerun).at(-1)!.state.stream.stream_state;
    expect(end).toEqual({ until: saved.resume.end });
    // the run after it: every message from the old window's end
    const next = await readInc([statesOf(rerun).at(-1)!.state]);
    expect(next.code).toBe(0);
    const asked = opensAsked().slice(1);
    expect(asked.map((a) => a.msg)).toEqual(['5001', '5002', '6001']);
    for (const a of asked) expect(a.start).toBe(plain(saved.resume.end));
    // nothing lost: the failed run and the rerun hold every clean record
    expect(new Set([...keysOf(failed, 'message_opens'), ...keysOf(rerun, 'message_opens')])).toEqual(
      new Set(cleanKeys),
    );
  }, 120_000);

  it.each([
    {
      stream: 'message_opens',
      fault: '^ReportRangeMessageContactOpen 5001 page 2$',
      operation: 'ReportRangeMessageContactOpen',
    },
    {
      stream: 'subscribed_contacts',
      fault: '^subscribed contacts of list 101 page 2$',
      operation: 'ReportRangeSubscribedContacts',
    },
  ])(
    'a server fault once on page 2 of $operation ($stream): the read completes with exactly the clean records',
    async ({ stream, fault }) => {
      h = await listrak();
      const clean = await read(stream);
      expect(clean.code).toBe(0);
      const cleanKeys = keysOf(clean, stream);
      expect(cleanKeys.length).toBeGreaterThan(0);
      expect(new Set(cleanKeys).size).toBe(cleanKeys.length);

      h.server.addFault({ ...faultResponse, match: fault, times: 1 });
      const run = await read(stream);
      expect(h.server.faultsFired()).toBe(1); // the fault did happen, on page 2
      expect.soft(h.errors(run).map((e) => e.message)).toEqual([]);
      expect.soft(h.statuses(run)).toContain(`${stream}:COMPLETE`);
      expect(run.code).toBe(0);
      const keys = keysOf(run, stream);
      expect(new Set(keys)).toEqual(new Set(cleanKeys));
      expect(keys.length).toBe(cleanKeys.length);
    },
  );
});
