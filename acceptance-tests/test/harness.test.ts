// The harness tested on its own: the replay server's matching, diffs, faults and datasets; the
// S3 server's workarounds; the recorder's scrubbing; and the suite's checks failing, each for the
// right reason, on a deliberately broken connector.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { runConnector, catalogFor } from '@conkit/base/testing';
import { startReplayServer } from '../src/replay/server.js';
import { startS3Server } from '../src/s3/server.js';
import { startRecorder } from '../src/record/recorder.js';
import { findSecret, scanForSecrets } from '../src/suite/scan.js';
import * as check from '../src/suite/checks.js';

const dir = mkdtempSync(join(tmpdir(), 'harness-'));

describe('replay server', () => {
  it('answers a recorded REST exchange and a 599 with a readable diff otherwise', async () => {
    const s = await startReplayServer({
      exchanges: [
        {
          name: 'items p1',
          request: { method: 'GET', path: '/items', query: { page: '1', key: '*' } },
          response: { body: [{ id: 1 }] },
        },
      ],
    });
    expect(await (await fetch(`${s.url}/items?page=1&key=abc`)).json()).toEqual([{ id: 1 }]);
    const miss = await fetch(`${s.url}/items?page=2&key=abc`);
    expect(miss.status).toBe(599);
    expect(await miss.json()).toMatchObject({ closest: 'items p1', diff: ['query page: recorded 1, got 2'] });
    expect(s.unmatched()).toHaveLength(1);
    await s.close();
  });

  it('matches SOAP on the operation and parameters, whatever the XML looks like', async () => {
    const s = await startReplayServer({
      exchanges: [
        {
          name: 'opens',
          request: { method: 'POST', path: '/svc', soap: { action: 'ReportOpen', params: { MsgID: '5', Page: '2' } } },
          response: { text: '<ok/>' },
        },
      ],
    });
    const envelope = (inner: string) =>
      `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
    const post = (body: string) =>
      fetch(`${s.url}/svc`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    expect(
      (
        await post(
          envelope('<t:ReportOpen xmlns:t="urn:x">\n  <t:Page>2</t:Page>\n  <t:MsgID>5</t:MsgID>\n</t:ReportOpen>'),
        )
      ).status,
    ).toBe(200);
    const miss = await post(envelope('<ReportOpen><MsgID>5</MsgID><Page>3</Page></ReportOpen>'));
    expect(await miss.json()).toMatchObject({ diff: ['soap param Page: recorded 2, got 3'] });
    await s.close();
  });

  it('injects 429 with Retry-After, a dropped connection and a truncated body, then serves the answer', async () => {
    const s = await startReplayServer({
      exchanges: [{ name: 'x', request: { path: '/x' }, response: { body: { long: 'y'.repeat(5000) } } }],
    });
    s.addFault({ status: 429, retryAfter: 2 });
    s.addFault({ truncate: 0.5 });
    s.addFault({ drop: true });
    const first = await fetch(`${s.url}/x`);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '2']);
    const truncated = await (await fetch(`${s.url}/x`)).text();
    expect(() => JSON.parse(truncated)).toThrow();
    await expect(fetch(`${s.url}/x`).then((r) => r.text())).rejects.toThrow();
    expect((await (await fetch(`${s.url}/x`)).json()).long).toHaveLength(5000);
    await s.close();
  });

  it('computes dataset answers with filters, sort and a page cap, and matches a key by its hash', async () => {
    const file = join(dir, 'rows.json');
    writeFileSync(
      file,
      JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: i, at: 1700000000 + (9 - i) * 60 }))),
    );
    const s = await startReplayServer({
      exchanges: [
        {
          name: 'rows',
          dir: '/',
          response: {},
          request: {
            path: '/rows',
            headers: { 'x-key': 'sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b' },
          },
          dataset: {
            file,
            filters: [{ param: 'gt', field: 'at', op: 'gt', type: 'epoch' }],
            sort: { field: 'at' },
            paging: { page: 'page', per_page: 'n', max_page: 3 },
          },
        },
      ],
    });
    const get = (q: string, key = 'secret') => fetch(`${s.url}/rows?${q}`, { headers: { 'x-key': key } });
    expect((await (await get('gt=1700000300&n=2&page=1')).json()).map((r: { id: number }) => r.id)).toEqual([3, 2]);
    expect((await get('n=2&page=4')).status).toBe(400);
    expect((await get('n=2&page=1', 'other')).status).toBe(599);
    await s.close();
  });
});

describe('S3 server', () => {
  it('pages listings (DES tokens work), and refuses a wrong secret', async () => {
    const s3 = await startS3Server();
    for (let i = 0; i < 5; i++) await s3.put('pages', `k${i}`, 'x');
    const keys: string[] = [];
    let token: string | undefined;
    const c = s3.client();
    do {
      const r = await c.send(new ListObjectsV2Command({ Bucket: 'pages', MaxKeys: 2, ContinuationToken: token }));
      keys.push(...(r.Contents ?? []).map((o) => o.Key!));
      token = r.NextContinuationToken;
    } while (token);
    expect(keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    const wrong = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    await expect(wrong.send(new ListObjectsV2Command({ Bucket: 'pages' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    s3.addFault({ kind: 'SlowDown', times: 1 });
    await expect(s3.client().send(new ListObjectsV2Command({ Bucket: 'pages' }))).rejects.toMatchObject({
      name: 'SlowDown',
    });
    await s3.close();
  });
});

describe('recorder', () => {
  it('writes fixtures with secrets, tokens, cookies and personal data scrubbed', async () => {
    const upstream = http.createServer((req, res) => {
      if (req.url?.startsWith('/oauth'))
        return void res
          .writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=abc123' })
          .end(JSON.stringify({ access_token: 'live-token-XYZ987', expires_in: 7200 }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify([
          {
            id: 1,
            email: 'jane.doe@realcorp.io',
            name: 'Jane Doe',
            phone_number: '+44 7911 123456',
            ip_address: '81.2.69.160',
          },
        ]),
      );
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const rec = await startRecorder(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, [
      'client-secret-REAL-42',
    ]);
    await fetch(`${rec.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=abc&client_secret=client-secret-REAL-42',
    });
    await fetch(`${rec.url}/v1/responses?page=1`, { headers: { authorization: 'Bearer live-token-XYZ987' } });
    const out = join(dir, 'recorded.yaml');
    rec.save(out);
    await rec.close();
    upstream.close();
    const text = readFileSync(out, 'utf8');
    for (const leaked of [
      'client-secret-REAL-42',
      'live-token-XYZ987',
      'jane.doe@realcorp.io',
      'Jane Doe',
      '7911',
      '81.2.69.160',
      'sid=abc123',
    ])
      expect(text).not.toContain(leaked);
    expect(text).toContain('scrubbed-token-1');
    expect(text).toContain('person1@example.com');
    expect(scanForSecrets(out, ['client-secret-REAL-42', 'live-token-XYZ987'])).toEqual([]);
  });
});

describe('the suite fails a broken connector for the right reason', () => {
  const main = fileURLToPath(new URL('./broken/source-broken.mjs', import.meta.url));
  const cfg = join(dir, 'broken-config.json');
  writeFileSync(cfg, JSON.stringify({ password: 'broken-secret-5555' }));
  const readWith = async (broken: string) => {
    const discover = await runConnector(main, ['discover', '--config', cfg]);
    const catalog = check.catalogIsSound(discover);
    const configured = catalogFor(catalog, { mode: 'incremental' });
    const catFile = join(dir, `cat-${broken}.json`);
    writeFileSync(catFile, JSON.stringify(configured));
    return {
      run: await runConnector(main, ['read', '--config', cfg, '--catalog', catFile], { env: { BROKEN: broken } }),
      catalog,
      configured,
    };
  };
  const cursor = () => 'at';

  it('passes the correct variant', async () => {
    const { run, catalog, configured } = await readWith('none');
    expect(() => check.readIsSound(run, catalog, configured)).not.toThrow();
    expect(() => check.statesNeverGoBack(run, cursor)).not.toThrow();
    expect(() => check.noSecrets([run], ['broken-secret-5555'])).not.toThrow();
  });
  it('a record that breaks its schema', async () => {
    const { run, catalog, configured } = await readWith('schema');
    expect(() => check.readIsSound(run, catalog, configured)).toThrow(
      /a 'items' record breaks its schema: \/id must be integer/,
    );
  });
  it('a state that goes backwards', async () => {
    const { run } = await readWith('state');
    expect(() => check.statesNeverGoBack(run, cursor)).toThrow(
      /state of 'items' went backwards: 2024-01-03T00:00:00Z then 2024-01-01T00:00:00Z/,
    );
  });
  it('a leaked secret', async () => {
    const { run } = await readWith('secret');
    expect(() => check.noSecrets([run], ['broken-secret-5555'])).toThrow(
      /secret #1 appears on stdout of run 1, line \d+/,
    );
  });
  it('a missing stream status', async () => {
    const { run, catalog, configured } = await readWith('status');
    expect(() => check.readIsSound(run, catalog, configured)).toThrow(
      /stream 'items' statuses were 'none', expected STARTED -> RUNNING -> COMPLETE/,
    );
  });
});

describe('secret forms', () => {
  const secret = 'pa/ss+wo"rd&<key>=9';
  it('finds a secret as sent: raw, URL- and form-encoded, JSON- and XML-escaped, base64', () => {
    const carriers = [
      `password=${encodeURIComponent(secret)}`,
      `q=${encodeURIComponent(secret).replace(/%20/g, '+')}`,
      JSON.stringify({ message: `bad "${secret}"` }),
      `<Password>${secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</Password>`,
      Buffer.from(secret).toString('base64url'),
    ];
    for (const c of carriers) expect(findSecret(c, ['unrelated-value', secret]), c).toBe('secret #2 (encoded)');
    expect(findSecret(`x ${secret} y`, [secret])).toBe('secret #1');
  });
  it('finds base64 of a secret inside a longer value, at every alignment', () => {
    for (const user of ['u', 'us', 'use', 'user']) {
      const header = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
      expect(findSecret(header, [secret]), header).toBe('secret #1 (encoded)');
    }
  });
  it('finds nothing in text that holds no form of the secret', () => {
    expect(
      findSecret(`Basic ${Buffer.from('user:other-password-123').toString('base64')} pa/ss+wor`, [secret]),
    ).toBeUndefined();
  });
});

describe('acceptance files', () => {
  it('every acceptance config has its one-line test file', async () => {
    const { existsSync } = await import('node:fs');
    const { loadAcceptanceConfigs } = await import('../src/suite/config.js');
    const missing = loadAcceptanceConfigs()
      .map((c) => c.connector)
      .filter((c) => !existsSync(fileURLToPath(new URL(`./${c}.test.ts`, import.meta.url))));
    expect(missing, 'add acceptance-tests/test/<connector>.test.ts calling acceptanceFor(<connector>)').toEqual([]);
  });
});
