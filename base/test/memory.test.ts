// Back-pressure end to end: 1,000,000 records read by a consumer slower than the connector. If the
// output writer ignored 'drain', the unread lines would pile up in the connector's heap.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startExampleServer } from '../src/testing/example-server.js';
import { EXAMPLE, catalog, tempJson } from './helpers/run-example.js';
import { watchPeakRss } from './helpers/peak-rss.js';

describe('memory', () => {
  it('stays under 150 MB reading 1,000,000 records through a slow consumer', async () => {
    const server = await startExampleServer(1_000_000);
    const config = tempJson('c.json', { api_key: 'mem-test-key', base_url: server.url, page_size: 1000 });
    const child = spawn(
      process.execPath,
      [EXAMPLE, 'read', '--config', config, '--catalog', tempJson('k.json', catalog(['items']))],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const rss = watchPeakRss(child.pid!);
    let records = 0;
    let tail = '';
    let bytesSincePause = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop()!;
      for (const l of lines) if (l.startsWith('{"type":"RECORD"')) records++;
      bytesSincePause += chunk.length;
      if (bytesSincePause > 512 * 1024) {
        // the slow consumer: about 10 MB/s, well below what the connector can produce
        bytesSincePause = 0;
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 50);
      }
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    const peakMb = rss.stop();
    await server.close();
    expect(code).toBe(0);
    expect(records).toBe(1_000_000);
    console.log(`peak RSS ${peakMb.toFixed(1)} MB`);
    expect(peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(150);
  }, 300_000);
});
