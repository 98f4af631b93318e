// The kit's SOAP client lifecycle: a source declares its SOAP settings (soapClientOf), the kit opens
// one client a run on the first call, with the run's log and whether the user set the endpoint field,
// gives it to check and every stream as ctx.soap, and never carries it into another run.
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineSource, type SourceDef } from '../src/source.js';
import { defineStream } from '../src/stream.js';
import { runSource } from '../src/run.js';
import { errorElement, type SoapSettings } from '../src/soap.js';
import { catalogOf, jsonFile } from '../src/testing/harness.js';
import type { JsonObject } from '../src/protocol.js';

type Config = { endpoint?: string };
let opened: SoapSettings[] = [];
const calls: string[] = [];
beforeEach(() => {
  opened = [];
  calls.length = 0;
});

const caller = (name: string) =>
  defineStream<Config>({
    name,
    schema: { type: 'object', properties: { op: { type: 'string' } } },
    primaryKey: ['op'],
    read: async function* (ctx) {
      yield (await ctx.soap.call<JsonObject>(`Get_${name}`, {})) ?? {};
    },
  });

const def = (soap: boolean): SourceDef<Config> => ({
  name: 'source-soapy',
  version: '1.0.0',
  spec: { connectionSpecification: { type: 'object', properties: { endpoint: { type: 'string' } } } },
  soap: soap
    ? {
        settings: (config) => ({
          wsdl: 'service.wsdl',
          endpoint: config.endpoint,
          endpointField: { field: 'endpoint' },
        }),
        open: async (settings) => {
          opened.push(settings);
          return { call: async <T>(op: string) => (calls.push(op), { op }) as T };
        },
      }
    : undefined,
  check: async ({ soap }) => void (await soap.call('Login', {})),
  streams: [caller('a'), caller('b')],
});

async function run(source: SourceDef<Config>, argv: string[]): Promise<JsonObject[]> {
  const sink = new PassThrough();
  let stdout = '';
  sink.on('data', (d: Buffer) => (stdout += d.toString()));
  await runSource(defineSource(source), argv, { stdout: sink, exit: false });
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{"'))
    .map((l) => JSON.parse(l) as JsonObject);
}

describe('ctx.soap', () => {
  it('is opened once per run on its first call, shared by every stream, with the run log and the endpoint field', async () => {
    const config = jsonFile({ endpoint: 'http://soap.example/asmx' }, 'config.json');
    const catalog = jsonFile(catalogOf(['a', 'b'], 'full_refresh'), 'catalog.json');
    const read = ['read', '--config', config, '--catalog', catalog];
    const records = (await run(def(true), read)).filter((m) => m.type === 'RECORD');
    expect(records.map((m) => (m.record as JsonObject).data)).toEqual(
      expect.arrayContaining([{ op: 'Get_a' }, { op: 'Get_b' }]),
    );
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      endpoint: 'http://soap.example/asmx',
      endpointField: { field: 'endpoint', set: true },
    });
    expect(typeof opened[0].log?.warn).toBe('function');
    // the next run, with the same config file, opens its own client
    await run(def(true), read);
    expect(opened).toHaveLength(2);
  });

  it('is opened by check, not by discover, and says when the endpoint field was left to its default', async () => {
    await run(def(true), ['discover', '--config', jsonFile({}, 'config.json')]);
    expect(opened).toHaveLength(0);
    const status = (await run(def(true), ['check', '--config', jsonFile({}, 'config.json')])).find(
      (m) => m.type === 'CONNECTION_STATUS',
    );
    expect(status?.connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
    expect(calls).toEqual(['Login']);
    expect(opened).toHaveLength(1);
    expect(opened[0].endpointField).toEqual({ field: 'endpoint', set: false });
  });

  it('fails the stream plainly when the source declares no SOAP service', async () => {
    const config = jsonFile({}, 'config.json');
    const catalog = jsonFile(catalogOf(['a'], 'full_refresh'), 'catalog.json');
    const lines = await run(def(false), ['read', '--config', config, '--catalog', catalog]);
    const errors = lines.filter((m) => m.type === 'TRACE').map((m) => JSON.stringify(m));
    expect(errors.join('\n')).toContain('source-soapy declares no SOAP service');
  });
});

describe('errorElement', () => {
  const read = errorElement('WSException', ['SoapMethod', 'Description']);
  it('reads nothing from an absent or xsi:nil element, and names the non-empty fields of a filled one', () => {
    expect(read({ Result: {} })).toBeUndefined();
    expect(read({ WSException: { attributes: { 'xsi:nil': 'true' } } })).toBeUndefined();
    expect(read({ WSException: { $attributes: { 'xsi:nil': true } } })).toBeUndefined();
    expect(read({ WSException: { SoapMethod: 'Op', Description: '', Other: 'x' } })).toBe('WSException SoapMethod=Op');
    expect(read({ WSException: { Description: 'Report unavailable', SoapMethod: 'Op' } })).toBe(
      'WSException SoapMethod=Op, Description=Report unavailable',
    );
  });
});
