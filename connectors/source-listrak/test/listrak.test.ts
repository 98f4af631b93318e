// source-listrak against the replay server speaking SOAP: table selection, SOAP faults other than
// login, typed values, and 200,000 sent contacts over many pages with flat memory.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { soapCall, type ConnectorHarness, type ReplayOptions } from '@conkit/acceptance-tests';
import { listrakHarness } from './harness.js';
import { sampleRss, jsonFile, catalogOf } from '@conkit/base/testing';
import { coerceValue } from '@conkit/base/soap';
import { envelope, listRow, messageRow } from '../fixtures/envelope.mjs';

const PASSWORD = 'listrak-test-password-31ac';
// the real retry path, with backoff shortened: a fault that never clears runs out its retries in well under a second
const listrak = (replay?: ReplayOptions) =>
  listrakHarness(PASSWORD, { env: { CONKIT_RETRY_BASE_MS: '20' }, ...(replay && { replay, fixtures: false }) });
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());
const ops = () => h!.server.requests().map((r) => soapCall(r)?.action);

describe('source-listrak', () => {
  it('reading lists alone makes no message-level calls', async () => {
    h = await listrak();
    const run = await h.read(['lists']);
    expect(run.code).toBe(0);
    expect(h.records(run)).toHaveLength(2);
    expect(ops()).toEqual(['GetContactListCollection']);
  });

  it('names the operation and parameters of a SOAP fault, marks the stream INCOMPLETE and goes on', async () => {
    h = await listrak();
    // a server fault that persists: retried, then the stream gives up (a one-off one is retried away: fault-mid-pagination.test.ts)
    h.server.addFault({
      status: 500,
      match: 'ReportRangeMessageContactOpen 5002 page 1',
      times: 10_000,
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Message 5002 is not available</faultstring></soap:Fault></soap:Body></soap:Envelope>',
    });
    const run = await h.read(['message_opens', 'lists']);
    expect(run.code).toBe(1);
    const err = h.errors(run)[0];
    expect(err.message).toMatch(
      /ReportRangeMessageContactOpen\(MsgID=5002, StartDate=2024-01-01T00:00:00Z, EndDate=.*, Page=1\) failed with a SOAP fault: Message 5002 is not available \(after 6 attempts\)/,
    );
    expect(err.failure_type).toBe('transient_error');
    const statuses = h.statuses(run);
    expect(statuses).toContain('message_opens:INCOMPLETE');
    expect(statuses).toContain('lists:COMPLETE');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('a bad ListID fault names ReportListMessageActivity and its ListID; messages INCOMPLETE, subscribed_contacts goes on', async () => {
    h = await listrak();
    h.server.addFault({
      status: 500,
      match: 'messages of list 202',
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Invalid ListID 202</faultstring></soap:Fault></soap:Body></soap:Envelope>',
    });
    const run = await h.read(['messages', 'subscribed_contacts']);
    expect(run.code).toBe(1);
    const errors = h.errors(run).map((e) => e.message);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/did not complete: messages\./);
    expect(errors[0]).toMatch(
      /^Stream 'messages' failed: ReportListMessageActivity\(ListID=202, StartDate=2024-01-01T00:00:00Z, EndDate=[^,]+Z, IncludeTestMessages=true\) failed with a SOAP fault: Invalid ListID 202/,
    );
    // a Client fault is the request's own problem: asked once, not retried
    expect(h.errors(run)[0].failure_type).toBe('system_error');
    expect(
      h.server
        .requests()
        .filter((r) => r.body.includes('ReportListMessageActivity') && /<(\w+:)?ListID>202</.test(r.body)),
    ).toHaveLength(1);
    const statuses = h.statuses(run);
    expect(statuses).toContain('messages:INCOMPLETE');
    expect(statuses).toContain('subscribed_contacts:COMPLETE');
    expect(h.records(run, 'messages').every((r) => r.ListID === 101)).toBe(true);
    expect(h.records(run, 'messages').length).toBeGreaterThan(0);
    expect(new Set(h.records(run, 'subscribed_contacts').map((r) => r.ListID))).toEqual(new Set([101, 202]));
    // a fault is the service's answer, not a transport error: asked once, not retried
    expect(
      h.server
        .requests()
        .filter((r) => soapCall(r)?.action === 'ReportListMessageActivity' && soapCall(r)?.params.ListID === '202'),
    ).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('types SOAP strings as Stitch lists them', () => {
    expect(coerceValue('42', { type: ['integer', 'null'] })).toBe(42);
    expect(coerceValue('54.20', { type: ['number', 'null'] })).toBe(54.2);
    expect(coerceValue('false', { type: ['boolean', 'null'] })).toBe(false);
    expect(coerceValue('2024-02-01T14:00:00', { type: ['string', 'null'], format: 'date-time' })).toBe(
      '2024-02-01T14:00:00.000Z',
    );
    // GoogleTrackingDomains is a repeated element: node-soap gives an array (or one string)
    expect(coerceValue(['a', 'b'], { type: ['array', 'null'] })).toEqual(['a', 'b']);
    expect(coerceValue('a', { type: ['array', 'null'] })).toEqual(['a']);
    expect(coerceValue('', { type: ['integer', 'null'] })).toBeNull();
  });

  it('streams 200,000 sent contacts over many pages with flat memory', async () => {
    const PAGES = 400;
    const PER = 500;
    const pageBody = (page: number) =>
      envelope(
        'ReportMessageContactSent',
        page > PAGES
          ? []
          : Array.from({ length: PER }, (_, i) => ({ EmailAddress: `c${(page - 1) * PER + i}@example.com` })),
      );
    h = await listrak({});
    h.server.addHandler((req) => {
      const call = soapCall(req);
      if (!call) return undefined;
      const xml = (body: string) => ({ headers: { 'content-type': 'text/xml' }, body });
      if (call.action === 'GetContactListCollection') return xml(envelope('GetContactListCollection', [listRow(1)]));
      if (call.action === 'ReportListMessageActivity')
        return xml(envelope('ReportListMessageActivity', [messageRow(1, 7001)]));
      if (call.action === 'ReportMessageContactSent') return xml(pageBody(Number(call.params.Page)));
      return undefined;
    });
    const child = spawn(
      process.execPath,
      [
        h.main,
        'read',
        '--config',
        jsonFile(h.config),
        '--catalog',
        jsonFile(catalogOf(['message_sends'], 'full_refresh')),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rss = sampleRss(child.pid!);
    let records = 0;
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const lines = (tail + d).split('\n');
      tail = lines.pop()!;
      records += lines.filter((l) => l.startsWith('{"type":"RECORD"')).length;
    });
    const code = await new Promise((r) => child.on('close', r));
    const mem = rss.stop();
    expect(code).toBe(0);
    expect(records).toBe(PAGES * PER);
    // nothing piles up: the last third of the read sits within 20% of the middle third
    expect(mem.samples.length).toBeGreaterThan(10);
    expect(mem.lastThirdMb).toBeLessThan(mem.middleThirdMb * 1.2);
    expect(mem.peakMb).toBeLessThan(300);
  }, 300_000);
});
