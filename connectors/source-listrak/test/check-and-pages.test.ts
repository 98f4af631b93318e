// check against a server that really verifies the WSUser header (wrong password -> the login fault,
// FAILED, exit 0, the password nowhere), and paged reports read page by page until an empty page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { soapCall, type ConnectorHarness } from '@conkit/acceptance-tests';
import { listrakHarness } from './harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
const PASSWORD = 'listrak-right-password-5e2c';
const WRONG = 'listrak-wrong-password-0b7d';
const listrak = (fixtures = true) => listrakHarness(PASSWORD, { fixtures });
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());
const loginFault = readFileSync(join(fixtures, 'bodies/login-fault.xml'), 'utf8');

/** Listrak's answer to a WSUser header: the login fault unless the password is right. */
async function verifying(): Promise<ConnectorHarness> {
  const v = await listrak();
  v.server.addHandler((req) => {
    const call = soapCall(req);
    if (!call || call.params.Password === PASSWORD) return undefined;
    return { status: 500, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: loginFault };
  });
  return v;
}

describe('source-listrak check', () => {
  it('a wrong password: FAILED naming the login fault, exit 0, the password in no output (debug logging on)', async () => {
    h = await verifying();
    const run = await h.check({ config: { password: WRONG }, env: { LOG_LEVEL: 'debug' } });
    expect(run.code).toBe(0);
    const status = run.status;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/refused the login \(\[InvalidLogonAttempt\] Invalid user name or password/);
    expect(status.message).toMatch(/'username' and 'password'/);
    expect(run.stdout + run.stderr).not.toContain(WRONG);
    // the password did travel, in the WSUser header, to the server
    expect(h.server.requests().some((r) => r.body.includes(`<Password>${WRONG}</Password>`))).toBe(true);
  });

  it('the right password: SUCCEEDED after one GetContactListCollection', async () => {
    h = await verifying();
    const run = await h.check();
    expect(run.code).toBe(0);
    expect(run.status.status).toBe('SUCCEEDED');
    expect(h.server.requests().map((r) => soapCall(r)?.action)).toEqual(['GetContactListCollection']);
  });
});

describe('source-listrak paged reports', () => {
  it("reads each message's opens page 1, 2, ... up to the first empty page, and every row of them", async () => {
    h = await listrak();
    const run = await h.read(['message_opens']);
    expect(run.code).toBe(0);
    const calls = h.server
      .requests()
      .map((r) => soapCall(r)!)
      .filter((c) => c.action === 'ReportRangeMessageContactOpen');
    const pagesOf = (msg: string) => calls.filter((c) => c.params.MsgID === msg).map((c) => c.params.Page);
    const bodies = readdirSync(join(fixtures, 'bodies')).filter((f) => f.startsWith('reportrangemessagecontactopen-'));
    for (const msg of ['5001', '5002', '6001']) {
      const files = bodies.filter((f) => f.includes(`-${msg}-page-`));
      expect(pagesOf(msg)).toEqual(files.map((_, i) => String(i + 1)));
      expect(files.at(-1)).toMatch(/empty/);
    }
    const rowsInFixtures = bodies.reduce(
      (sum, f) => sum + (readFileSync(join(fixtures, 'bodies', f), 'utf8').match(/<WSContactOpen>/g) ?? []).length,
      0,
    );
    const records = h.records(run);
    expect(records.length).toBe(rowsInFixtures);
    expect(new Set(records.map((r) => r.MsgID))).toEqual(new Set([5001, 5002, 6001]));
    // OpenDate is xsd:string of undocumented format: it goes out as sent; dates are sent as UTC with Z
    for (const r of records) expect(r.OpenDate).toMatch(/^2024-02-02T0\d:15:00$/);
    for (const c of calls) expect(c.params.StartDate).toBe('2024-01-01T00:00:00Z');
  });

  it('message_sends asks ReportMessageContactSent without dates, per message of every list', async () => {
    h = await listrak();
    const run = await h.read(['message_sends']);
    expect(run.code).toBe(0);
    const calls = h.server.requests().map((r) => soapCall(r)!);
    expect(calls.filter((c) => c.action === 'ReportListMessageActivity').map((c) => c.params.ListID)).toEqual([
      '101',
      '202',
    ]);
    const sent = calls.filter((c) => c.action === 'ReportMessageContactSent');
    expect(new Set(sent.map((c) => c.params.MsgID))).toEqual(new Set(['5001', '5002', '6001']));
    for (const c of sent) expect(c.params.StartDate).toBeUndefined();
    expect(calls.some((c) => /^ReportRange/.test(c.action))).toBe(false);
  });
});

describe('source-listrak: an endpoint nothing answers at', () => {
  it("check says FAILED after a short probe, naming the host and 'endpoint'", async () => {
    const started = Date.now();
    h = await listrak(false);
    const run = await h.check({
      config: { endpoint: 'http://127.0.0.1:1/v31/IntegrationService.asmx' },
      env: { CONKIT_RETRY_BASE_MS: '20' },
    });
    expect(run.code).toBe(0);
    const status = run.status;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(
      /^Could not connect: nothing answers at 127\.0\.0\.1:1 \(ECONNREFUSED\), 3 attempts\. Check 'endpoint' in the config/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stdout).not.toContain(PASSWORD);
  });
});
