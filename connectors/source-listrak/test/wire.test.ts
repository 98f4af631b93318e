// source-listrak against a replay of Listrak shaped as the real v31 WSDL says (WIRE.md): the nine
// tables read their rows, ContactID stays a string, an answer without the WSDL's row element fails
// loudly, login fault codes are config errors asked once, a report that ignores Page ends, and
// string-typed dates go out as sent.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { soapCall, type ConnectorHarness } from '@conkit/acceptance-tests';
import { listrakHarness } from './harness.js';
import { ofType } from '@conkit/base/testing';
import { envelope } from '../fixtures/envelope.mjs';

const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
const PASSWORD = 'listrak-wire-password-6a1d';
// retries (if any) back off from 1 ms
const listrak = () => listrakHarness(PASSWORD, { env: { CONKIT_RETRY_BASE_MS: '1' } });
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());
const xml = (body: string) => ({ headers: { 'content-type': 'text/xml; charset=utf-8' }, body });

// rows in the fixture bodies, counted by the real row element of each table
const ELEMENT: Record<string, [string, string]> = {
  lists: ['GetContactListCollection', 'WSContactList'],
  messages: ['ReportListMessageActivity', 'WSMessageActivity'],
  message_bounces: ['ReportRangeMessageContactBounces', 'WSContactBounce'],
  message_clicks: ['ReportRangeMessageContactClick', 'WSContactClick'],
  message_opens: ['ReportRangeMessageContactOpen', 'WSContactOpen'],
  message_reads: ['ReportRangeMessageContactRead', 'WSContactRead'],
  message_sends: ['ReportMessageContactSent', 'WSMessageRecipient'],
  message_unsubs: ['ReportRangeMessageContactRemoval', 'WSContactRemovalInfo'],
  subscribed_contacts: ['ReportRangeSubscribedContacts', 'WSContactSubscriptionInfo'],
};
const EXPECTED = {
  lists: 2,
  messages: 3,
  message_bounces: 3,
  message_clicks: 6,
  message_opens: 11,
  message_reads: 6,
  message_sends: 12,
  message_unsubs: 3,
  subscribed_contacts: 8,
};
const inFixtures = (op: string, element: string) =>
  readdirSync(join(fixtures, 'bodies'))
    .map((f) => readFileSync(join(fixtures, 'bodies', f), 'utf8'))
    .filter((b) => b.includes(`<${op}Response `))
    .reduce((sum, b) => sum + (b.match(new RegExp(`<${element}>`, 'g')) ?? []).length, 0);

describe('source-listrak on the real v31 wire shapes', () => {
  it('all nine tables read every row of the replay; subscribed_contacts keys on string ContactIDs', async () => {
    for (const [stream, [op, element]] of Object.entries(ELEMENT))
      expect(inFixtures(op, element), stream).toBe(EXPECTED[stream as keyof typeof EXPECTED]);
    h = await listrak();
    const run = await h.read(Object.keys(ELEMENT));
    expect(h.errors(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(Object.fromEntries(Object.keys(ELEMENT).map((s) => [s, h!.records(run, s).length]))).toEqual(EXPECTED);
    const contacts = h.records(run, 'subscribed_contacts');
    for (const c of contacts) expect(typeof c.ContactID).toBe('string');
    expect(new Set(contacts.map((c) => `${c.ContactID as string}|${String(c.ListID)}`)).size).toBe(8);
    expect(contacts.every((c) => !('IPAddress' in c))).toBe(true);
    for (const s of ['message_bounces', 'message_clicks', 'message_opens', 'message_reads', 'message_unsubs'])
      for (const r of h.records(run, s)) expect(typeof r.ContactID, s).toBe('string');
    // the schemas say so too (discover)
    const disc = await h.discover();
    const schemaOf = (name: string) =>
      ofType(disc, 'CATALOG')[0]!.catalog.streams.find((s) => s.name === name)!.json_schema as {
        properties: Record<string, { type: unknown }>;
      };
    expect(schemaOf('subscribed_contacts').properties.ContactID.type).toBe('string');
    expect(schemaOf('subscribed_contacts').properties.IPAddress).toBeUndefined();
    // what went out: test messages included, as Stitch; dates in UTC with Z
    const activity = h.server
      .requests()
      .map((r) => soapCall(r)!)
      .filter((c) => c.action === 'ReportListMessageActivity');
    expect(activity.length).toBeGreaterThan(0);
    for (const c of activity) {
      expect(c.params.IncludeTestMessages).toBe('true');
      expect(c.params.StartDate).toBe('2024-01-01T00:00:00Z');
      expect(c.params.EndDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('a page whose Result holds another element than the WSDL names: a system_error naming operation and element, not zero rows', async () => {
    h = await listrak();
    const NS = 'http://webservices.listrak.com/v31/';
    h.server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportRangeMessageContactOpen') return undefined;
      return xml(
        `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ReportRangeMessageContactOpenResponse xmlns="${NS}"><ReportRangeMessageContactOpenResult><WSMessageContactOpen><ContactID>906</ContactID><EmailAddress>a@example.com</EmailAddress></WSMessageContactOpen></ReportRangeMessageContactOpenResult></ReportRangeMessageContactOpenResponse></soap:Body></soap:Envelope>`,
      );
    });
    const run = await h.read(['message_opens', 'lists']);
    expect(run.code).toBe(1);
    const err = h.errors(run).find((e) => e.message.includes('message_opens'))!;
    expect(err.failure_type).toBe('system_error');
    expect(err.message).toMatch(
      /ReportRangeMessageContactOpen answered a ReportRangeMessageContactOpenResult without any <WSContactOpen> element \(it holds: WSMessageContactOpen\)/,
    );
    expect(h.records(run, 'message_opens')).toEqual([]);
    expect(h.records(run, 'lists')).toHaveLength(2);
  });

  it.each([
    { user: 'revoked-user', message: /refused the login \(\[InvalidLogonAttempt\]/ },
    { user: 'revoked-user-server-fault', message: /refused the login \(.*\[InvalidLogonAttempt\]/ },
    { user: 'locked-user', message: /\[LoginAttemptsExceeded\].*unlock/ },
    {
      user: 'unlisted-ip-user',
      message:
        /\[ProhibitedIPAddress\].*add the public IP address the sync runs from to the account's SOAP API IP allow-list/,
    },
  ])(
    'login fault for $user: check FAILED with an actionable message, asked once (never retried)',
    async ({ user, message }) => {
      h = await listrak();
      const run = await h.check({ config: { username: user } });
      expect(run.code).toBe(0);
      const status = run.status;
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(message);
      expect(h.server.requests()).toHaveLength(1);
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    },
  );

  it('a refused IP during read is a config_error that stops the read, asked once', async () => {
    h = await listrak();
    const run = await h.read(['lists', 'subscribed_contacts'], { config: { username: 'unlisted-ip-user' } });
    expect(run.code).toBe(1);
    const errors = h.errors(run);
    expect(errors[0]!.failure_type).toBe('config_error');
    expect(errors[0]!.message).toMatch(/IP allow-list/);
    expect(h.server.requests()).toHaveLength(1);
  });

  it('a report that ignores Page (every page the same rows): the read ends with a WARN, each row once', async () => {
    h = await listrak();
    const rows = [1, 2, 3].map((i) => ({
      AdditionDate: '2023-10-01T00:00:00',
      ContactID: String(700 + i),
      EmailAddress: `same${i}@example.com`,
      AdditionMethod: 'Web form',
    }));
    h.server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportRangeSubscribedContacts' || call.params.ListID !== '101') return undefined;
      return xml(envelope('ReportRangeSubscribedContacts', rows));
    });
    const run = await h.read(['subscribed_contacts']);
    expect(h.errors(run)).toEqual([]);
    expect(run.code).toBe(0);
    const of101 = h.records(run, 'subscribed_contacts').filter((r) => r.ListID === 101);
    expect(of101.map((r) => r.ContactID)).toEqual(['701', '702', '703']);
    expect(h.records(run, 'subscribed_contacts').filter((r) => r.ListID === 202)).toHaveLength(4);
    const warns = h.warnings(run);
    expect(
      warns.some((w) => /ReportRangeSubscribedContacts\(ListID=101.*same records as the page before/.test(w)),
    ).toBe(true);
    const asked = h.server
      .requests()
      .map((r) => soapCall(r)!)
      .filter((c) => c.action === 'ReportRangeSubscribedContacts' && c.params.ListID === '101');
    expect(asked.map((c) => c.params.Page)).toEqual(['1', '2']);
  }, 60_000);

  it('string-typed dates (xsd:string, format undocumented) and ContactIDs go out exactly as sent, never null', async () => {
    h = await listrak();
    h.server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportRangeMessageContactOpen' || call.params.MsgID !== '5001') return undefined;
      const rows =
        call.params.Page === '1'
          ? [
              { ContactID: '000906', EmailAddress: 'odd@example.com', OpenDate: '2/1/2024 2:05:00 PM' },
              { ContactID: 'c-7f3a', EmailAddress: 'iso@example.com', OpenDate: '2024-02-01T14:05:00' },
            ]
          : [];
      return xml(envelope('ReportRangeMessageContactOpen', rows));
    });
    const run = await h.read(['message_opens']);
    expect(run.code).toBe(0);
    const of5001 = h.records(run, 'message_opens').filter((r) => r.MsgID === 5001);
    expect(of5001).toEqual([
      { MsgID: 5001, ContactID: '000906', EmailAddress: 'odd@example.com', OpenDate: '2/1/2024 2:05:00 PM' },
      { MsgID: 5001, ContactID: 'c-7f3a', EmailAddress: 'iso@example.com', OpenDate: '2024-02-01T14:05:00' },
    ]);
  });

  // the kit hands the whole response to the connector's inBandError (base/src/soap.ts)
  it('a non-nil WSException in ReportMessageContactSentResponse is an error, not "no sends"', async () => {
    h = await listrak();
    h.server.addHandler((req) => {
      const call = soapCall(req);
      if (call?.action !== 'ReportMessageContactSent' || call.params.MsgID !== '5001') return undefined;
      return xml(
        envelope('ReportMessageContactSent', [], {
          exception: {
            SoapMethod: 'ReportMessageContactSent',
            DateTime: '2024-02-01T00:00:00',
            Description: 'Report unavailable',
          },
        }),
      );
    });
    const run = await h.read(['message_sends']);
    expect(run.code).toBe(1);
    expect(h.errors(run).some((e) => e.message.includes('Report unavailable'))).toBe(true);
  });
});
