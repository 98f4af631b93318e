// Writes protocol messages as JSON lines. Lines are batched into chunks (one write per ~64 KiB) for
// throughput, every chunk is masked as a whole (chunks hold whole lines, so no secret can straddle
// two of them, and one scan of 64 KiB costs far less than hundreds of per-line scans), and when stdout's buffer is full the writer returns a promise
// that resolves on 'drain', so a slow consumer slows the connector instead of growing its heap.
import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './protocol.js';
import type { SecretMasker } from './secrets.js';

const CHUNK_BYTES = 64 * 1024;

export class OutputWriter {
  private pending = '';
  private waiting: Promise<void> | undefined;
  private tuned = false;

  constructor(
    private readonly sink: Writable,
    private readonly masker: SecretMasker,
  ) {}

  /** Queues one message. Returns a promise only when the caller must wait for back-pressure. */
  write(msg: AirbyteMessage): Promise<void> | undefined {
    return this.writeLine(JSON.stringify(msg));
  }

  writeLine(json: string): Promise<void> | undefined {
    this.pending += json + '\n';
    if (this.pending.length < CHUNK_BYTES) return this.waiting;
    return this.push();
  }

  private push(): Promise<void> | undefined {
    if (!this.pending) return this.waiting;
    if (!this.tuned) {
      // the first full chunk is the output's sample: records, which are nearly all of it
      this.masker.tune(this.pending);
      this.tuned = true;
    }
    const chunk = this.masker.mask(this.pending);
    this.pending = '';
    if (!this.sink.write(chunk) && !this.waiting) {
      this.waiting = new Promise<void>((resolve) => {
        const done = (): void => {
          this.sink.off('drain', done);
          this.sink.off('close', done);
          this.sink.off('error', done);
          this.waiting = undefined;
          resolve();
        };
        this.sink.once('drain', done);
        this.sink.once('close', done);
        this.sink.once('error', done);
      });
    }
    return this.waiting;
  }

  /** Hands every queued line to the OS. Call before exit. */
  async flush(): Promise<void> {
    if (this.waiting) await this.waiting;
    const chunk = this.masker.mask(this.pending);
    this.pending = '';
    if (!chunk) return;
    await new Promise<void>((resolve) => {
      // a closed consumer (EPIPE) must not hang the exit
      const ok = this.sink.write(chunk, () => resolve());
      if (!ok && this.sink.destroyed) resolve();
    });
  }
}
