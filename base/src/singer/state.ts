// Singer state: the value of the last STATE message, `{"bookmarks": {stream: state}}` (the shape
// singer-python's bookmarks helpers and the Meltano SDK write). The shared read path keeps per-stream
// states; these two functions translate between the two, so a Singer run resumes exactly like an
// Airbyte one from the same per-stream states.
import { configError } from '../errors.js';
import type { AirbyteStateMessage, JsonObject } from '../protocol.js';

export type Bookmarks = Record<string, JsonObject>;

/** The bookmarks of a --state file: a state value, a whole STATE message, or {} (no state yet). */
export function bookmarksOf(raw: unknown): Bookmarks {
  if (raw === null || raw === undefined) return {};
  const value = isObject(raw) && raw.type === 'STATE' && isObject(raw.value) ? raw.value : raw;
  if (!isObject(value) || (Object.keys(value).length > 0 && !('bookmarks' in value)))
    throw configError(
      'The --state file must hold a Singer state: {"bookmarks": {"<stream>": {...}}}, the value of the last STATE message a sync printed.',
    );
  const bookmarks = value.bookmarks ?? {};
  if (!isObject(bookmarks))
    throw configError('The --state file\'s "bookmarks" must be an object of stream name -> that stream\'s state.');
  for (const [stream, state] of Object.entries(bookmarks))
    if (!isObject(state))
      throw configError(
        `The --state file's bookmark for stream '${stream}' must be an object, got ${JSON.stringify(state)}.`,
      );
  return bookmarks as Bookmarks;
}

/** The same states as the per-stream STATE payloads the read path takes (parseState). */
export function perStreamStates(bookmarks: Bookmarks): AirbyteStateMessage[] {
  return Object.entries(bookmarks).map(([name, state]) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: state },
  }));
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
