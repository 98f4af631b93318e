import type { S3Settings } from '@conkit/base/s3';

export type Field = 'url' | 'date' | 'channel' | 'device' | 'transactions' | 'revenue';

export interface Config extends S3Settings {
  format: 'auto' | 'csv' | 'json';
  csv_delimiter?: ',' | ';' | '\t' | '|';
  columns: Field[];
  defaults?: { channel?: string; device?: string; transactions?: number; revenue?: number };
  default_protocol: 'https' | 'http';
  start_date?: string;
  invalid_rows: 'skip' | 'fail';
}
