// Reads and checks the files the platform hands a connector (config, catalog, state), turning every
// problem into a config_error that names the file or field and the fix.
import { readFile } from 'node:fs/promises';
import { configError } from './errors.js';
import type { ConfiguredAirbyteCatalog, JsonObject } from './protocol.js';

export async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : String(code ?? e);
    throw configError(`Cannot read the ${flag} file '${path}': ${why}. Pass an existing JSON file with ${flag}.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw configError(`The ${flag} file '${path}' is not valid JSON (${(e as Error).message}). Fix the file.`);
  }
}

const SYNC_MODES = ['full_refresh', 'incremental'];

export function checkCatalog(raw: unknown): ConfiguredAirbyteCatalog {
  const streams = (raw as { streams?: unknown } | null)?.streams;
  if (!raw || typeof raw !== 'object' || !Array.isArray(streams)) {
    throw configError(
      'The --catalog file must be a ConfiguredAirbyteCatalog: an object with a "streams" array. Generate one from discover.',
    );
  }
  streams.forEach((s, i) => {
    const name = (s as { stream?: { name?: unknown } })?.stream?.name;
    if (typeof name !== 'string' || !name)
      throw configError(`Catalog streams[${i}].stream.name is missing. Each configured stream needs stream.name.`);
    const mode = (s as { sync_mode?: unknown }).sync_mode;
    if (!SYNC_MODES.includes(String(mode))) {
      throw configError(
        `Catalog stream '${name}' has sync_mode ${JSON.stringify(mode)}; use "full_refresh" or "incremental".`,
      );
    }
  });
  return raw as ConfiguredAirbyteCatalog;
}

/**
 * Accepts the per-stream form (an array of STATE messages' payloads), a single STREAM state, a GLOBAL
 * state, and the legacy { streamName: state } object. Returns each stream's stream_state.
 */
export function parseState(raw: unknown, onRepeat?: (stream: string) => void): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  if (raw === null || raw === undefined) return out;
  const put = (name: unknown, state: unknown, where: string): void => {
    if (typeof name !== 'string')
      throw configError(
        `The --state file has an entry without stream_descriptor.name (${where}). Use the STATE messages a previous read printed.`,
      );
    if (state === undefined || state === null) return;
    if (typeof state !== 'object' || Array.isArray(state))
      throw configError(`The --state entry for stream '${name}' must be an object, got ${JSON.stringify(state)}.`);
    if (out.has(name)) onRepeat?.(name);
    out.set(name, state as JsonObject);
  };
  const fromMessage = (m: unknown, where: string): void => {
    if (!m || typeof m !== 'object')
      throw configError(
        `The --state file entry ${where} is not an object. Use the STATE messages a previous read printed.`,
      );
    const msg = m as {
      type?: string;
      stream?: { stream_descriptor?: { name?: unknown }; stream_state?: unknown };
      global?: { stream_states?: unknown[] };
      data?: unknown;
    };
    if (msg.type === 'GLOBAL' && Array.isArray(msg.global?.stream_states)) {
      msg.global.stream_states.forEach((s, i) => {
        const ss = s as { stream_descriptor?: { name?: unknown }; stream_state?: unknown };
        put(ss?.stream_descriptor?.name, ss?.stream_state, `${where}.global.stream_states[${i}]`);
      });
    } else if (msg.stream) {
      put(msg.stream.stream_descriptor?.name, msg.stream.stream_state, where);
    } else if (msg.type === 'LEGACY' || msg.data) {
      fromLegacy(msg.data, `${where}.data`);
    } else {
      throw configError(
        `The --state file entry ${where} has neither "stream" nor "global". Use the STATE messages a previous read printed.`,
      );
    }
  };
  const fromLegacy = (obj: unknown, where: string): void => {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      throw configError(`The --state ${where} must be an object of stream states.`);
    for (const [k, v] of Object.entries(obj)) put(k, v, `${where}.${k}`);
  };
  if (Array.isArray(raw)) raw.forEach((m, i) => fromMessage(m, `[${i}]`));
  else if (typeof raw === 'object' && ('stream' in raw || 'global' in raw || 'type' in raw)) fromMessage(raw, '(root)');
  else if (typeof raw === 'object') fromLegacy(raw, '(root)');
  else throw configError('The --state file must hold a JSON array of STATE messages (as printed by a previous read).');
  return out;
}
