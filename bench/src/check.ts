// What the bench checks. Correctness (runErrors): every run of every side exited 0 and emitted
// exactly the n records of its source, so connector count == raw count; a failure marks the row
// and fails the bench. Performance (targets): the targets, printed as met or missed; a miss
// never fails the bench (the machine is shared and noisy).
import type { Summary } from './measure.js';
import { fmtInt, pct, ratio, rssBase, rssGrowth, type Row } from './table.js';

export const MIN_RATIO = 0.7; // connector rec/s over raw rec/s
export const MAX_GROWTH = 0.2; // peak RSS at the largest size over that at the smallest, minus 1

/** Why the runs behind a row are wrong, or undefined. `sides` names each command (undefined: not run). */
export function runErrors(n: number, sides: Record<string, Summary | undefined>): string | undefined {
  const errors: string[] = [];
  for (const [side, s] of Object.entries(sides)) {
    if (!s) continue;
    const codes = s.runs.filter((r) => r.code !== 0).map((r) => String(r.code));
    if (codes.length) errors.push(`${side} exited ${codes.join(', ')}`);
    const counts = s.runs.filter((r) => r.records !== n).map((r) => fmtInt(r.records));
    if (counts.length) errors.push(`${side} emitted ${counts.join(', ')} records, expected ${fmtInt(n)}`);
  }
  return errors.length ? errors.join('; ') : undefined;
}

const short = (n: number): string => (n % 1e6 === 0 ? `${n / 1e6}M` : n % 1e3 === 0 ? `${n / 1e3}k` : fmtInt(n));

/** One line per connector and stream (peer rows are the reference, not checked), then the tally. */
export function targets(rows: Row[]): { text: string; met: number; missed: number } {
  let met = 0;
  let missed = 0;
  const groups = new Map<string, Row[]>();
  for (const r of rows)
    if (!r.peerOf) groups.set(`${r.connector}\0${r.stream}`, [...(groups.get(`${r.connector}\0${r.stream}`) ?? []), r]);
  const lines = [...groups.values()].map((group) => {
    const checks: string[] = [];
    const check = (ok: boolean, text: string): void => {
      if (ok) met++;
      else missed++;
      checks.push(`${ok ? '✓' : '✗'} ${text}`);
    };
    for (const r of group) {
      const at = `@${short(r.n)}`;
      // a row whose runs failed meets no target
      check(!r.error && r.kitRps / r.rawRps >= MIN_RATIO, `raw${at} ${ratio(r.kitRps, r.rawRps)}`);
      if (r.sameRps !== undefined)
        check(!r.error && r.kitRps / r.sameRps >= MIN_RATIO, `same${at} ${ratio(r.kitRps, r.sameRps)}`);
      const peer = rows.find((p) => p.peerOf === r.connector && p.stream === r.stream && p.n === r.n);
      if (peer) check(!r.error && !peer.error && r.kitRps > peer.kitRps, `faros${at} ${ratio(r.kitRps, peer.kitRps)}x`);
      const growth = rssGrowth(rows, r);
      if (growth !== undefined)
        check(!r.error && !rssBase(rows, r)?.error && growth <= MAX_GROWTH, `RSS${at} ${pct(growth)}`);
    }
    return `${group[0].connector} / ${group[0].stream}: ${checks.join('  ')}`;
  });
  const legend =
    `Targets (a miss does not fail the bench): raw/same = connector rec/s over the raw pipeline / the raw pipeline writing the same records, >= ${MIN_RATIO}; ` +
    `faros = conkit rec/s over the faros-airbyte-cdk peer's, > 1; RSS = peak RSS growth from the smallest size, <= ${pct(MAX_GROWTH)}.`;
  return { text: [legend, ...lines, `targets: ${met} met, ${missed} missed`].join('\n'), met, missed };
}
