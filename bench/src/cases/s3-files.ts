// The S3 file cases: one large CSV object read by the connector (conversions, Ometria's email
// events) beside the raw pipeline of the same object (GetObject, csv-parse, JSON.stringify, write).
import { fileURLToPath } from 'node:url';
import { startS3Server } from '@conkit/acceptance-tests';
import { interleave, measure } from '../measure.js';
import type { Row } from '../table.js';
import { catalog, file, kitRead, kitRow, rawFlags, root } from './connectors.js';

const rawS3 = fileURLToPath(new URL('../bundles/raw-s3-csv.js', import.meta.url));

async function s3Case(
  connector: string,
  stream: string,
  records: number,
  bucket: string,
  key: string,
  csv: (i: number) => string,
  header: string | undefined,
  config: (endpoint: string, id: string, secret: string) => unknown,
  map?: string,
): Promise<Row> {
  const s3 = await startS3Server();
  const lines = header ? [header] : [];
  for (let i = 0; i < records; i++) lines.push(csv(i));
  await s3.put(bucket, key, lines.join('\n') + '\n');
  lines.length = 0;
  const { accessKeyId: id, secretAccessKey: secret } = s3.credentials;
  const [configFile, catalogFile] = [file(config(s3.endpoint, id, secret)), catalog(stream)];
  const rawRun =
    (m = 'none') =>
    () =>
      measure([
        process.execPath,
        ...rawFlags,
        rawS3,
        s3.endpoint,
        id,
        secret,
        bucket,
        key,
        stream,
        header ? 'header' : 'none',
        m,
        root,
      ]);
  const [kit, raw, same] = await interleave([
    () => kitRead(connector, configFile, catalogFile),
    rawRun(),
    ...(map ? [rawRun(map)] : []),
  ]);
  await s3.close();
  return kitRow(connector, stream, records, [kit, raw, same], `one ${header ? 'CSV export' : 'CSV'} object`);
}

export const conversions = (records: number): Promise<Row> =>
  s3Case(
    'source-conversions-s3',
    'conversions',
    records,
    'conv',
    'conversion-export-2020-09-22.csv',
    (i) => `https://www.example.com/p/${i},2020-09-22,organic,${i % 7},${i % 100}.5`,
    undefined,
    (endpoint, id, secret) => ({ bucket: 'conv', endpoint, aws_access_key_id: id, aws_secret_access_key: secret }),
  );

export const ometriaEmailEvents = (records: number): Promise<Row> =>
  s3Case(
    'source-ometria',
    'email_events',
    records,
    'export',
    'email_events/2024-03-01.csv',
    (i) =>
      `ev-${i},send-${i % 50},u${i % 9999}@example.com,open,2024-03-01 08:${String(i % 60).padStart(2, '0')}:00,,,mobile,GB,London,Europe/London,,Spring,mass`,
    'event_id,uuid,to_address,event_type,dt_occurred,bounce_class,reason,device_type,geo_country,geo_region,geo_timezone,target_url,campaign_title,campaign_type',
    (endpoint, id, secret) => ({
      api_key: 'bench-key-2',
      base_url: 'http://127.0.0.1:9',
      export: { bucket: 'export', endpoint, aws_access_key_id: id, aws_secret_access_key: secret },
    }),
    'ometria-email-events',
  );
