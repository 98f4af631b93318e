// source-listrak against a replay of Listrak shaped as the real v31 WSDL says (WIRE.md): the nine
// tables read their rows, ContactID stays a string, an answer without the WSDL's row element fails
// loudly, login fault codes are config errors asked once, a report that ignores Page ends, and
// string-typed dates go out as sent.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startReplayServer, soapCall, type ReplayServer } from '@conkit/acceptance-tests';
import { runConnector, ofType, type ConnectorRun } from '@conkit/base/testing';
import { envelope } from '../fixtures/envelope.mjs';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'listrak-wire-'));
const PASSWORD = 'listrak-wire-password-6a1d';
const env = { CONKIT_RETRY_BASE_MS: '1' };
let server: ReplayServer | undefined;
afterEach(async () => server?.close());
let n = 0;
const file = (v: unknown) => {
  const f = join(dir, `${n++}.json`);
  writeFileSync(f, JSON.stringify(v));
  return f;
};
const config = (url: string, username = 'fixture-user') => file({ username, password: PASSWORD, start_date: '2024-01-01', endpoint: `${url}/v31/IntegrationService.asmx` });
const catalog = (streams: string[]) => file({ streams: streams.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) });
const read = (url: string, streams: string[]) => runConnector(main, ['read', '--config', config(url), '--catalog', catalog(streams)], { env });
const recordsOf = (run: ConnectorRun, stream: string) => ofType(run, 'RECORD').filter((m) => m.record.stream === stream).map((m) => m.record.data);
const errorsOf = (run: ConnectorRun) => ofType(run, 'TRACE').filter((m) => m.trace.type === 'ERROR').map((m) => m.trace.error!);
const xml = (body: string) => ({ headers: { 'content-type': 'text/xml; charset=utf-8' }, body });

// rows in the fixture bodies, counted by the real row element of each table
const ELEMENT: Record<string, [string, string]> = {
  lists: ['GetContactListCollection', 'WSContactList'], messages: ['ReportListMessageActivity', 'WSMessageActivity'],
  message_bounces: ['ReportRangeMessageContactBounces', 'WSContactBounce'], message_clicks: ['ReportRangeMessageContactClick', 'WSContactClick'],
  message_opens: ['ReportRangeMessageContactOpen', 'WSContactOpen'], message_reads: ['ReportRangeMessageContactRead', 'WSContactRead'],
  message_sends: ['ReportMessageContactSent', 'WSMessageRecipient'], message_unsubs: ['ReportRangeMessageContactRemoval', 'WSContactRemovalInfo'],
  subscribed_contacts: ['ReportRangeSubscribedContacts', 'WSContactSubscriptionInfo'],
};
const EXPECTED = { lists: 2, messages: 3, message_bounces: 3, message_clicks: 6, message_opens: 11, message_reads: 6, message_sends: 12, message_unsubs: 3, subscribed_contacts: 8 };
const inFixtures = (op: string, element: string) => readdirSync(join(fixtures, 'bodies'))
  .map((f) => readFileSync(join(fixtures, 'bodies', f), 'utf8')).filter((b) => b.includes(`<${op}Response `))
  .reduce((sum, b) => sum + (b.match(new RegExp(`<${element}>`, 'g')) ?? []).length, 0);

describe('source-listrak on the real v31 wire shapes', () => {
  it('all nine tables read every row of the replay; subscribed_contacts keys on string ContactIDs', async () => {
    for (const [stream, [op, element]] of Object.entries(ELEMENT)) expect(inFixtures(op, element), stream).toBe(EXPECTED[stream as keyof typeof EXPECTED]);
    server = await startReplayServer({ fixtures });
    const run = await read(server.url, Object.keys(ELEMENT));
    expect(errorsOf(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(Object.fromEntries(Object.keys(ELEMENT).map((s) => [s, recordsOf(run, s).length]))).toEqual(EXPECTED);
    const contacts = recordsOf(run, 'subscribed_contacts');
    for (const c of contacts) expect(typeof c.ContactID).toBe('string');
    expect(new Set(contacts.map((c) => `${c.ContactID as string}|${String(c.ListID)}`)).size).toBe(8);
    expect(contacts.every((c) => !('IPAddress' in c))).toBe(true);
    for (const s of ['message_bounces', 'message_clicks', 'message_opens', 'message_reads', 'message_unsubs']) for (const r of recordsOf(run, s)) expect(typeof r.ContactID, s).toBe('string');
    // the schemas say so too (discover)
    const disc = await runConnector(main, ['discover', '--config', config(server.url)]);
    const schemaOf = (name: string) => ofType(disc, 'CATALOG')[0]!.catalog.streams.find((s) => s.name === name)!.json_schema as { properties: Record<string, { type: unknown }> };
    expect(schemaOf('subscribed_contacts').properties.ContactID.type).toBe('string');
    expect(schemaOf('subscribed_contacts').properties.IPAddress).toBeUndefined();
    // what went out: test messages included, as Stitch; dates in UTC with Z
    const activity = server.requests().map((r) => soapCall(r)!).filter((c) => c.action === 'ReportListMessageActivity');
    expect(activity.length).toBeGreaterThan(0);
    for (const c of activity) {
      expect(c.params.IncludeTestMessages).toBe('true');
      expect(c.params.StartDate).toBe('2024-01-01T00:00:00Z');
      expect(c.params.EndDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('a page whose Result holds another element than the WSDL names: a system_error naming operation and element, not zero rows', async () => {
    server = await startReplayServer({ fixtures });
    const NS = 'http://webservices.listrak.com/v31/';
    server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportRangeMessageContactOpen') return undefined;
      return xml(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ReportRangeMessageContactOpenResponse xmlns="${NS}"><ReportRangeMessageContactOpenResult><WSMessageContactOpen><ContactID>906</ContactID><EmailAddress>a@example.com</EmailAddress></WSMessageContactOpen></ReportRangeMessageContactOpenResult></ReportRangeMessageContactOpenResponse></soap:Body></soap:Envelope>`);
    });
    const run = await read(server.url, ['message_opens', 'lists']);
    expect(run.code).toBe(1);
    const err = errorsOf(run).find((e) => e.message.includes('message_opens'))!;
    expect(err.failure_type).toBe('system_error');
    expect(err.message).toMatch(/ReportRangeMessageContactOpen answered a ReportRangeMessageContactOpenResult without any <WSContactOpen> element \(it holds: WSMessageContactOpen\)/);
    expect(recordsOf(run, 'message_opens')).toEqual([]);
    expect(recordsOf(run, 'lists')).toHaveLength(2);
  });

  it.each([
    { user: 'revoked-user', message: /refused the login \(\[InvalidLogonAttempt\]/ },
    { user: 'revoked-user-server-fault', message: /refused the login \(.*\[InvalidLogonAttempt\]/ },
    { user: 'locked-user', message: /\[LoginAttemptsExceeded\].*unlock/ },
    { user: 'unlisted-ip-user', message: /\[ProhibitedIPAddress\].*add the public IP address the sync runs from to the account's SOAP API IP allow-list/ },
  ])('login fault for $user: check FAILED with an actionable message, asked once (never retried)', async ({ user, message }) => {
    server = await startReplayServer({ fixtures });
    const run = await runConnector(main, ['check', '--config', config(server.url, user)], { env });
    expect(run.code).toBe(0);
    const status = ofType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(message);
    expect(server.requests()).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('a refused IP during read is a config_error that stops the read, asked once', async () => {
    server = await startReplayServer({ fixtures });
    const run = await runConnector(main, ['read', '--config', config(server.url, 'unlisted-ip-user'), '--catalog', catalog(['lists', 'subscribed_contacts'])], { env });
    expect(run.code).toBe(1);
    const errors = errorsOf(run);
    expect(errors[0]!.failure_type).toBe('config_error');
    expect(errors[0]!.message).toMatch(/IP allow-list/);
    expect(server.requests()).toHaveLength(1);
  });

  it('a report that ignores Page (every page the same rows): the read ends with a WARN, each row once', async () => {
    server = await startReplayServer({ fixtures });
    const rows = [1, 2, 3].map((i) => ({ AdditionDate: '2023-10-01T00:00:00', ContactID: String(700 + i), EmailAddress: `same${i}@example.com`, AdditionMethod: 'Web form' }));
    server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportRangeSubscribedContacts' || call.params.ListID !== '101') return undefined;
      return xml(envelope('ReportRangeSubscribedContacts', rows));
    });
    const run = await read(server.url, ['subscribed_contacts']);
    expect(errorsOf(run)).toEqual([]);
    expect(run.code).toBe(0);
    const of101 = recordsOf(run, 'subscribed_contacts').filter((r) => r.ListID === 101);
    expect(of101.map((r) => r.ContactID)).toEqual(['701', '702', '703']);
    expect(recordsOf(run, 'subscribed_contacts').filter((r) => r.ListID === 202)).toHaveLength(4);
    const warns = ofType(run, 'LOG').filter((m) => m.log.level === 'WARN').map((m) => m.log.message);
    expect(warns.some((w) => /ReportRangeSubscribedContacts\(ListID=101.*same records as the page before/.test(w))).toBe(true);
    const asked = server.requests().map((r) => soapCall(r)!).filter((c) => c.action === 'ReportRangeSubscribedContacts' && c.params.ListID === '101');
    expect(asked.map((c) => c.params.Page)).toEqual(['1', '2']);
  }, 60_000);

  it('string-typed dates (xsd:string, format undocumented) and ContactIDs go out exactly as sent, never null', async () => {
    server = await startReplayServer({ fixtures });
    server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportRangeMessageContactOpen' || call.params.MsgID !== '5001') return undefined;
      const rows = call.params.Page === '1' ? [{ ContactID: '000906', EmailAddress: 'odd@example.com', OpenDate: '2/1/2024 2:05:00 PM' }, { ContactID: 'c-7f3a', EmailAddress: 'iso@example.com', OpenDate: '2024-02-01T14:05:00' }] : [];
      return xml(envelope('ReportRangeMessageContactOpen', rows));
    });
    const run = await read(server.url, ['message_opens']);
    expect(run.code).toBe(0);
    const of5001 = recordsOf(run, 'message_opens').filter((r) => r.MsgID === 5001);
    expect(of5001).toEqual([
      { MsgID: 5001, ContactID: '000906', EmailAddress: 'odd@example.com', OpenDate: '2/1/2024 2:05:00 PM' },
      { MsgID: 5001, ContactID: 'c-7f3a', EmailAddress: 'iso@example.com', OpenDate: '2024-02-01T14:05:00' },
    ]);
  });

  // the kit hands the whole response to the connector's inBandError (base/src/soap.ts)
  it('a non-nil WSException in ReportMessageContactSentResponse is an error, not "no sends"', async () => {
    server = await startReplayServer({ fixtures });
    server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportMessageContactSent' || call.params.MsgID !== '5001') return undefined;
      return xml(envelope('ReportMessageContactSent', [], { exception: { SoapMethod: 'ReportMessageContactSent', DateTime: '2024-02-01T00:00:00', Description: 'Report unavailable' } }));
    });
    const run = await read(server.url, ['message_sends']);
    expect(run.code).toBe(1);
    expect(errorsOf(run).some((e) => e.message.includes('Report unavailable'))).toBe(true);
  });
});
