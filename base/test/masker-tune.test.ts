// SecretMasker.tune changes only how fast clean text is passed, never what is masked: a masker
// tuned on any sample of output masks every text exactly as an untuned one does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretMasker } from '../src/secrets.js';

// secrets with letters, digits and the characters that URL, JSON, XML and base64 encodings rewrite
const secret = fc.string({
  unit: fc.constantFrom(...'aZ09-_.~+/= "\\&<>\'%:é\u00ff\u2603'.split('')),
  minLength: 3,
  maxLength: 24,
});
const b64At = (s: string, pre: string): string => Buffer.from(pre + s).toString('base64');
/** Every form a secret takes in output, each with and without text around it. */
const formsOf = (s: string): string[] => [
  s,
  encodeURIComponent(s),
  encodeURIComponent(s).replace(/%20/g, '+'),
  JSON.stringify(s).slice(1, -1),
  JSON.stringify(JSON.stringify(s)).slice(1, -2),
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
  b64At(s, ''),
  b64At(s, 'u:'),
  b64At(s, 'us:'),
  b64At(s, 'user:').replace(/\+/g, '-').replace(/\//g, '_'),
];

const scenario = fc.uniqueArray(secret, { minLength: 1, maxLength: 3 }).chain((secrets) => {
  const piece = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...secrets.flatMap(formsOf)));
  return fc.record({
    secrets: fc.constant(secrets),
    // the sample the output writer tunes on: records with or without the secrets' characters
    sample: fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
    texts: fc.array(
      fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
      { minLength: 1, maxLength: 6 },
    ),
  });
});

describe('SecretMasker.tune', () => {
  it('masks every text exactly as an untuned masker', () => {
    fc.assert(
      fc.property(scenario, ({ secrets, sample, texts }) => {
        const plain = new SecretMasker();
        const tuned = new SecretMasker();
        for (const s of secrets) plain.add(s);
        // half the secrets arrive after tuning, as run-time tokens do
        secrets.forEach((s, i) => i % 2 === 0 && tuned.add(s));
        tuned.tune(sample);
        secrets.forEach((s, i) => i % 2 === 1 && tuned.add(s));
        for (const t of texts) expect(tuned.mask(t)).toBe(plain.mask(t));
      }),
      { numRuns: 500 },
    );
  });

  it('still masks a secret whose rarest character is absent from the sample', () => {
    const [m, plain] = [new SecretMasker(), new SecretMasker()];
    for (const x of [m, plain]) x.add('Xk29fjaQ0pLm33vvA8');
    m.tune(
      '{"type":"RECORD","record":{"stream":"s","data":{"id":"abc-123","at":"2024-01-01T00:00:00Z"}}}\n'.repeat(500),
    );
    const text = `{"token":"Xk29fjaQ0pLm33vvA8","h":"Basic ${Buffer.from('me:Xk29fjaQ0pLm33vvA8').toString('base64')}"}`;
    const masked = m.mask(text);
    expect(masked).toBe(plain.mask(text));
    expect(masked).toMatch(/^\{"token":"\*\*\*\*","h":"Basic [A-Za-z0-9+/=]{0,4}\*\*\*\*[A-Za-z0-9+/=]{0,4}"\}$/);
  });

  it('takes a secret with a lone surrogate (no URL form exists) and masks it', () => {
    const m = new SecretMasker();
    expect(() => m.add('abc\ud800def')).not.toThrow();
    expect(m.mask('x abc\ud800def y')).toBe('x **** y');
  });
});
