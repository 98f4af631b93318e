// Runs a built connector as a child process, the way an orchestrator does, and parses its output.
import { spawn } from 'node:child_process';
import type { AirbyteMessage } from '../protocol.js';

export interface ConnectorRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every stdout line parsed; a line that is not JSON is kept as { unparsed: line }. */
  messages: (AirbyteMessage | { unparsed: string })[];
  peakRssMb?: number;
}

export interface RunConnectorOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  cwd?: string;
  /** The command that starts the connector (default: node <mainJs>). */
  command?: string[];
}

export function runConnector(mainJs: string, args: string[], opts: RunConnectorOptions = {}): Promise<ConnectorRun> {
  const [cmd, ...pre] = opts.command ?? [process.execPath, mainJs];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`connector ${args[0]} timed out after ${opts.timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const messages = stdout
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => {
          try {
            return JSON.parse(l) as AirbyteMessage;
          } catch {
            return { unparsed: l };
          }
        });
      resolve({ code, signal, stdout, stderr, messages });
    });
  });
}

export function ofType<T extends AirbyteMessage['type']>(
  run: ConnectorRun,
  type: T,
): Extract<AirbyteMessage, { type: T }>[] {
  return run.messages.filter((m): m is Extract<AirbyteMessage, { type: T }> => (m as AirbyteMessage).type === type);
}
