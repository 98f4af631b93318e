// Scrubbing for recorded fixtures: secrets of the config and tokens the service hands out become
// placeholders; personal data (emails, names, phones, IPs) becomes stable fake values, the same
// real value always mapping to the same fake one so the recording stays consistent.
const TOKEN_KEYS =
  /^(access_token|refresh_token|id_token|token|api_key|apikey|secret|password|client_secret|session|sessionid|auth)$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const PHONE_KEYS = /phone|mobile|msisdn/i;
const NAME_KEYS = /^(name|first_?name|last_?name|firstname|lastname|full_?name|customer_name|username)$/i;
const SECRET_HEADERS = /^(authorization|x-ometria-auth|x-api-key|cookie|set-cookie|proxy-authorization)$/i;

export class Scrubber {
  private readonly fakes = new Map<string, string>();
  private readonly secrets: string[];
  constructor(secrets: string[]) {
    this.secrets = secrets.filter((s) => s && s.length >= 3).sort((a, b) => b.length - a.length);
  }

  private readonly counts = new Map<string, number>();

  private fake(kind: string, real: string, make: (n: number) => string): string {
    const key = `${kind}:${real}`;
    if (!this.fakes.has(key)) {
      const n = (this.counts.get(kind) ?? 0) + 1;
      this.counts.set(kind, n);
      this.fakes.set(key, make(n));
    }
    return this.fakes.get(key)!;
  }

  /** Adds a value to scrub from now on (a token seen in a response). */
  addSecret(v: string): void {
    if (v.length >= 3 && !this.secrets.includes(v)) this.secrets.push(v);
  }

  text(s: string): string {
    let out = s;
    for (const sec of this.secrets)
      for (const form of [sec, encodeURIComponent(sec), Buffer.from(sec).toString('base64')])
        out = out.split(form).join('****');
    out = out.replace(EMAIL, (m) =>
      /@example\.(com|org|net)$/.test(m) ? m : this.fake('email', m, (n) => `person${n}@example.com`),
    );
    out = out.replace(IPV4, (m) => (m.startsWith('127.') ? m : this.fake('ip', m, (n) => `192.0.2.${n % 250}`)));
    return out;
  }

  value(key: string, v: unknown): unknown {
    if (typeof v === 'string') {
      if (TOKEN_KEYS.test(key)) {
        this.addSecret(v);
        return this.fake('token', v, (n) => `scrubbed-token-${n}`);
      }
      if (PHONE_KEYS.test(key)) return this.fake('phone', v, (n) => `+1555000${String(n).padStart(4, '0')}`);
      if (NAME_KEYS.test(key)) return this.fake('name', v, (n) => `Person ${n}`);
      return this.text(v);
    }
    if (Array.isArray(v)) return v.map((x) => this.value(key, x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(k, x)]));
    return v;
  }

  headers(h: Record<string, string>, keep: (k: string) => boolean): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) {
      if (!keep(k)) continue;
      out[k] = SECRET_HEADERS.test(k) ? '*' : this.text(v);
    }
    return out;
  }
}
