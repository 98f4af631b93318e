// Record serialisation for the read loop. Most streams write records of one shape (a mapping's
// object literal, a CSV header's columns, a SOAP row's fields), and on Node 20 JSON.stringify walks
// every such record generically: for a 28-column row that walk is a large part of a record's cost.
// So each stream learns its records' shape (their keys, in order) and compiles a serialiser for
// it, which writes the keys as constants and only serialises the values. Its output is byte for
// byte JSON.stringify's; anything it cannot prove it writes the same (another shape, a key the
// generated code cannot read as an own property, a value JSON.stringify would drop, a toJSON on
// the record) goes to JSON.stringify itself. fast-json-stringify works from the schema instead and
// coerces or drops what does not match it, which a connector must not do silently.
// Why it is kept (issue 19, item 7): in the benchmark (README, "Reading it") Ometria profiles went
// from 0.63-0.76 of the raw pipeline to 1.03/1.08 with it, ~1 us less per 28-column row.
import type { JsonObject } from './protocol.js';

/** Strings that JSON.stringify escapes (quote, backslash, control characters, any surrogate). */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Larger records are rare and gain little; their generated code would only be big. */
const MAX_KEYS = 256;
/** Shapes learned per stream before settling: a stream whose records keep changing shape stops learning. */
const MAX_COMPILES = 8;

/** Thrown by `value` for what JSON.stringify would drop from an object (undefined, functions, symbols). */
const MISFIT = Symbol('misfit');

function value(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
    case 'number':
      // JSON writes a finite number as its ToString; NaN and the infinities as null
      return Number.isFinite(v) ? '' + v : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      // A toJSON on the cell itself would be called with key '' here instead of its own key, so
      // such a cell (a Date, say) sends the record to JSON.stringify; deeper ones get their keys.
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') throw MISFIT;
      const s = JSON.stringify(v) as string | undefined;
      if (s !== undefined) return s;
      throw MISFIT;
    }
    default:
      // undefined, functions and symbols are dropped by JSON.stringify; a bigint either throws
      // there or has a toJSON patched onto BigInt.prototype: all of them are its to write
      throw MISFIT;
  }
}

type Compiled = (o: object, value: (v: unknown) => string) => string | undefined;

/** Generated code for one shape; undefined when the shape cannot be served by it. */
function compile(keys: string[]): Compiled | undefined {
  // o["__proto__"] reads the prototype, not an own property of that name
  if (keys.length > MAX_KEYS || keys.includes('__proto__')) return undefined;
  // keys reach the code only as JSON string literals, which are JS string literals: no injection
  const lit = keys.map((k) => JSON.stringify(k));
  const same = [`k.length === ${keys.length}`, ...lit.map((l, i) => `k[${i}] === ${l}`)].join(' && ');
  // A null cell is written with its key as one constant: record lines are joined into chunks as
  // ropes, and every piece here is one more node to flatten when a chunk is masked and written.
  const last = keys.length - 1;
  const cell = (l: string, i: number): string => {
    const pre = (i ? ',' : '{') + l + ':';
    const post = i === last ? '}' : '';
    return `((v = o[${l}]) === null ? ${JSON.stringify(pre + 'null' + post)} : ${JSON.stringify(pre)} + value(v)${post ? ` + '}'` : ''})`;
  };
  const body = keys.length ? lit.map(cell).join(' + ') : `'{}'`;
  return new Function(
    'o',
    'value',
    `const k = Object.keys(o); if (!(${same}) || typeof o.toJSON === 'function') return undefined; let v; return ${body};`,
  ) as Compiled;
}

export interface RecordJson {
  (record: JsonObject): string;
  /** Records written by a learned shape, by JSON.stringify, and shapes learned: for tests and profiling. */
  stats(): { fast: number; slow: number; shapes: number };
}

/** One per stream: serialises its records exactly as JSON.stringify, faster when they share a shape. */
export function recordJson(): RecordJson {
  let shape: Compiled | undefined;
  let compiles = 0;
  let fast = 0;
  let slow = 0;
  let learning = true;

  const viaShape = (record: JsonObject): string | undefined => {
    try {
      return shape?.(record, value);
    } catch (err) {
      if (err === MISFIT) return undefined;
      throw err;
    }
  };

  const write = ((record: JsonObject): string => {
    // Records are plain objects by type, not always at run time: arrays, boxed primitives (written
    // as their value) and class instances are JSON.stringify's. A getter may be read twice when a
    // record falls back half-way; records are data, so that changes nothing in the output.
    const proto =
      typeof record === 'object' && record !== null ? (Object.getPrototypeOf(record) as unknown) : undefined;
    if (proto !== Object.prototype && proto !== null) {
      slow++;
      return JSON.stringify(record);
    }
    if (shape) {
      const s = viaShape(record);
      if (s !== undefined) {
        fast++;
        return s;
      }
    }
    if (learning && compiles < MAX_COMPILES) {
      compiles++;
      shape = compile(Object.keys(record));
      const s = shape && viaShape(record);
      if (s !== undefined) {
        fast++;
        return s;
      }
    } else if (learning && slow > fast) {
      // shapes keep changing: checking them costs more than it saves
      learning = false;
      shape = undefined;
    }
    slow++;
    return JSON.stringify(record);
  }) as RecordJson;
  write.stats = () => ({ fast, slow, shapes: compiles });
  return write;
}
