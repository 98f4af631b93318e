// Compiles the vendored Airbyte protocol schema (base/protocol, MIT) so tests can validate every
// line a connector prints, and record schemas with well_known_types.yaml resolvable by relative $ref.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv } from '../config.js';
import type { JsonSchema } from '../protocol.js';

const protocolDir = fileURLToPath(new URL('../../protocol/', import.meta.url));
const load = (file: string): Record<string, unknown> =>
  parse(readFileSync(protocolDir + file, 'utf8')) as Record<string, unknown>;

let messageValidator: ValidateFunction | undefined;
let recordAjv: Ajv | undefined;

const PROTOCOL_ID = 'airbyte_protocol.yaml';

function protocolAjv(): Ajv {
  const ajv = createAjv();
  const protocol = load('airbyte_protocol.yaml');
  ajv.addSchema({ ...protocol, $id: PROTOCOL_ID });
  return ajv;
}

/** Validates one parsed stdout line against AirbyteMessage. Returns readable errors (empty when valid). */
export function validateMessage(msg: unknown): string[] {
  messageValidator ??= protocolAjv().compile({ $ref: `${PROTOCOL_ID}#/definitions/AirbyteMessage` });
  if (messageValidator(msg)) return [];
  return (messageValidator.errors ?? []).map((e) => `${e.instancePath || '(message)'} ${e.message ?? ''}`.trim());
}

/** Compiles a stream's JSON schema strictly (formats checked), with well_known_types.yaml resolvable. */
export function compileRecordSchema(schema: JsonSchema): ValidateFunction {
  if (!recordAjv) {
    recordAjv = createAjv();
    const wkt = load('well_known_types.yaml');
    recordAjv.addSchema({ ...wkt, $id: 'well_known_types.yaml' });
  }
  return recordAjv.compile(schema);
}

export { protocolDir };
