export interface Config {
  username: string;
  password: string;
  start_date?: string;
  endpoint: string;
}
