import type { S3Settings } from '@conkit/base/s3';

export interface Config {
  api_key: string;
  start_date?: string;
  base_url: string;
  account_id?: string;
  source_id?: string;
  export?: S3Settings;
}
