// Stream map expressions (Meltano's shape: `md5(email)`, `sha256(email + config['hash_seed'])`,
// `record['id']`, `email.split('@')[-1]`). jsep parses the text; this module walks its syntax tree
// with a fixed set of node types, operators and functions, so an expression can read the record,
// `config` (stream_map_config) and `self`, and nothing else: no globals, no prototypes, no eval.
// Each expression is compiled once into closures; a record costs only the closures it runs.
import { createHash } from 'node:crypto';
import jsep from 'jsep';
import { configError } from '../errors.js';
import type { JsonSchema } from '../protocol.js';

/** What an expression reads: the record, the stream_map_config values, the property's own value. */
export interface Scope {
  record: Record<string, unknown>;
  config: Record<string, unknown>;
  self: unknown;
}

export interface Expression {
  evaluate: (scope: Scope) => unknown;
  /** Record properties the expression names (bare names, record['x'], _.x). */
  fields: Set<string>;
  /** stream_map_config keys it reads with a literal key. */
  configKeys: Set<string>;
  /** The JSON schema of its value, as far as the text tells (Meltano infers it the same way). */
  schema: JsonSchema;
}

type Node = jsep.Expression;
type Eval = (s: Scope) => unknown;
interface Compiled {
  run: Eval;
  type: JsonSchema | undefined;
}

const STRING: JsonSchema = { type: ['string', 'null'] };
const hash = (algorithm: string) => (v: unknown) =>
  v === null || v === undefined ? null : createHash(algorithm).update(text(v), 'utf8').digest('hex');
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const nullable =
  (f: (v: unknown) => unknown) =>
  (v: unknown): unknown =>
    v === null || v === undefined ? null : f(v);

/** Functions callable by name, with the type of what they return. */
const FUNCTIONS: Record<string, { fn: (...args: unknown[]) => unknown; type: JsonSchema }> = {
  md5: { fn: hash('md5'), type: STRING },
  sha1: { fn: hash('sha1'), type: STRING },
  sha256: { fn: hash('sha256'), type: STRING },
  sha512: { fn: hash('sha512'), type: STRING },
  str: { fn: nullable(text), type: STRING },
  lower: { fn: nullable((v) => text(v).toLowerCase()), type: STRING },
  upper: { fn: nullable((v) => text(v).toUpperCase()), type: STRING },
  int: { fn: nullable((v) => Math.trunc(Number(v))), type: { type: ['integer', 'null'] } },
  float: { fn: nullable((v) => Number(v)), type: { type: ['number', 'null'] } },
  bool: { fn: (v) => Boolean(v), type: { type: ['boolean', 'null'] } },
  len: {
    fn: nullable((v) => (typeof v === 'string' || Array.isArray(v) ? v.length : null)),
    type: { type: ['integer', 'null'] },
  },
  coalesce: { fn: (...vs) => vs.find((v) => v !== null && v !== undefined) ?? null, type: {} },
};

/** String methods, Python's names (Meltano's expressions are Python): `x.lower()`, `x.split('@')`. */
const METHODS: Record<string, { fn: (s: string, ...args: unknown[]) => unknown; type: JsonSchema }> = {
  lower: { fn: (s) => s.toLowerCase(), type: STRING },
  upper: { fn: (s) => s.toUpperCase(), type: STRING },
  strip: { fn: (s) => s.trim(), type: STRING },
  split: {
    fn: (s, sep) => s.split(typeof sep === 'string' ? sep : /\s+/),
    type: { type: ['array', 'null'], items: { type: 'string' } },
  },
  replace: { fn: (s, a, b) => s.split(String(a)).join(String(b)), type: STRING },
  startswith: { fn: (s, p) => s.startsWith(String(p)), type: { type: ['boolean', 'null'] } },
  endswith: { fn: (s, p) => s.endsWith(String(p)), type: { type: ['boolean', 'null'] } },
};

const NAMES: Record<string, unknown> = { true: true, false: false, null: null, True: true, False: false, None: null };
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const typesOf = (s: JsonSchema | undefined): string[] =>
  s === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];

/**
 * Compiles one expression. `where` names it in errors (`stream_maps.end_users.email_hash`);
 * `props` are the stream's property schemas, for the type of a property the expression passes on.
 */
export function compileExpression(source: string, where: string, props: Record<string, JsonSchema>): Expression {
  let tree: Node;
  try {
    tree = jsep(source);
  } catch (e) {
    throw configError(`${where}: the expression ${JSON.stringify(source)} does not parse (${(e as Error).message}).`);
  }
  const fields = new Set<string>();
  const configKeys = new Set<string>();
  const fail = (what: string): never => {
    throw configError(
      `${where}: ${what} in ${JSON.stringify(source)}. Expressions may use the record's properties, config['key'], self, literals, + - * / % == != < > <= >= && || ! ?:, and the functions ${Object.keys(FUNCTIONS).join(', ')}.`,
    );
  };

  const compile = (node: Node): Compiled => {
    switch (node.type) {
      case 'Literal': {
        const value = (node as jsep.Literal).value;
        if (value instanceof RegExp) return fail('a regular expression is not supported');
        return { run: () => value, type: literalType(value) };
      }
      case 'Identifier': {
        const name = (node as jsep.Identifier).name;
        if (name in NAMES) return { run: () => NAMES[name], type: literalType(NAMES[name]) };
        if (name === 'record' || name === '_') return { run: (s) => s.record, type: { type: 'object' } };
        if (name === 'config') return { run: (s) => s.config, type: { type: 'object' } };
        if (name === 'self') return { run: (s) => s.self, type: undefined };
        if (name in FUNCTIONS) return fail(`'${name}' is a function; call it as ${name}(...)`);
        fields.add(name);
        return { run: (s) => own(s.record, name), type: props[name] };
      }
      case 'MemberExpression':
        return member(node as jsep.MemberExpression);
      case 'CallExpression':
        return call(node as jsep.CallExpression);
      case 'UnaryExpression': {
        const u = node as jsep.UnaryExpression;
        const arg = compile(u.argument).run;
        if (u.operator === '!') return { run: (s) => !arg(s), type: { type: 'boolean' } };
        if (u.operator === '-') return { run: (s) => numeric(arg(s), (n) => -n), type: { type: ['number', 'null'] } };
        if (u.operator === '+') return { run: (s) => numeric(arg(s), (n) => n), type: { type: ['number', 'null'] } };
        return fail(`the operator '${u.operator}' is not supported`);
      }
      case 'BinaryExpression':
        return binary(node as jsep.BinaryExpression);
      case 'ConditionalExpression': {
        const c = node as jsep.ConditionalExpression;
        const [test, yes, no] = [compile(c.test).run, compile(c.consequent), compile(c.alternate)];
        return { run: (s) => (test(s) ? yes.run(s) : no.run(s)), type: same(yes.type, no.type) };
      }
      default:
        return fail(`${node.type} is not supported`);
    }
  };

  const member = (m: jsep.MemberExpression): Compiled => {
    const key = m.computed ? undefined : (m.property as jsep.Identifier).name;
    const literal = m.computed && m.property.type === 'Literal' ? (m.property as jsep.Literal).value : key;
    if (typeof literal === 'string' && FORBIDDEN_KEYS.has(literal)) return fail(`the key '${literal}' is not allowed`);
    const base = m.object.type === 'Identifier' ? (m.object as jsep.Identifier).name : undefined;
    if (typeof literal === 'string' && (base === 'record' || base === '_')) {
      fields.add(literal);
      return { run: (s) => own(s.record, literal), type: props[literal] };
    }
    if (typeof literal === 'string' && base === 'config') {
      configKeys.add(literal);
      return { run: (s) => own(s.config, literal), type: STRING };
    }
    const object = compile(m.object).run;
    const prop = m.computed ? compile(m.property).run : () => key;
    return { run: (s) => index(object(s), prop(s)), type: undefined };
  };

  const call = (c: jsep.CallExpression): Compiled => {
    const args = c.arguments.map((a) => compile(a).run);
    if (c.callee.type === 'Identifier') {
      const name = (c.callee as jsep.Identifier).name;
      const f = FUNCTIONS[name] ?? fail(`there is no function '${name}'`);
      return { run: (s) => f.fn(...args.map((a) => a(s))), type: f.type };
    }
    const callee = c.callee as jsep.MemberExpression;
    if (callee.type !== 'MemberExpression' || callee.computed)
      return fail('only functions and string methods can be called');
    const name = (callee.property as jsep.Identifier).name;
    const method =
      METHODS[name] ?? fail(`there is no string method '${name}' (there are ${Object.keys(METHODS).join(', ')})`);
    const receiver = compile(callee.object).run;
    return {
      run: (s) => {
        const r = receiver(s);
        return typeof r === 'string' ? method.fn(r, ...args.map((a) => a(s))) : null;
      },
      type: method.type,
    };
  };

  const binary = (b: jsep.BinaryExpression): Compiled => {
    const [l, r] = [compile(b.left), compile(b.right)];
    const [left, right] = [l.run, r.run];
    const op = BINARY[b.operator] ?? fail(`the operator '${b.operator}' is not supported`);
    const type =
      b.operator === '+'
        ? typesOf(l.type).includes('string') || typesOf(r.type).includes('string')
          ? STRING
          : undefined
        : COMPARISONS.has(b.operator)
          ? { type: 'boolean' }
          : undefined;
    return { run: (s) => op(left(s), right(s)), type };
  };

  const { run, type } = compile(tree);
  return { evaluate: run, fields, configKeys, schema: withNull(type) };
}

const COMPARISONS = new Set(['==', '!=', '===', '!==', '<', '>', '<=', '>=', '&&', '||']);
const arithmetic = (f: (a: number, b: number) => number) => (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? f(a, b) : null;
const order = (f: (a: number | string, b: number | string) => boolean) => (a: unknown, b: unknown) =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')
    ? f(a, b)
    : false;
const BINARY: Record<string, (a: unknown, b: unknown) => unknown> = {
  // null in a concatenation or a sum is null: a missing email hashes to null, not to the hash of the seed
  '+': (a, b) =>
    a === null || a === undefined || b === null || b === undefined
      ? null
      : typeof a === 'number' && typeof b === 'number'
        ? a + b
        : text(a) + text(b),
  '-': arithmetic((a, b) => a - b),
  '*': arithmetic((a, b) => a * b),
  '/': arithmetic((a, b) => a / b),
  '%': arithmetic((a, b) => a % b),
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '!==': (a, b) => a !== b,
  '<': order((a, b) => a < b),
  '>': order((a, b) => a > b),
  '<=': order((a, b) => a <= b),
  '>=': order((a, b) => a >= b),
  '&&': (a, b) => a && b,
  '||': (a, b) => a || b,
};

/** An own property of a JSON object, or null: nothing on a prototype is reachable. */
function own(object: unknown, key: string): unknown {
  if (!object || typeof object !== 'object' || FORBIDDEN_KEYS.has(key)) return null;
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : null;
}

/** obj[key] on JSON values; a negative index counts from the end, as in Python. */
function index(object: unknown, key: unknown): unknown {
  if (typeof key === 'number' && (Array.isArray(object) || typeof object === 'string')) {
    const i = key < 0 ? object.length + key : key;
    return Number.isInteger(i) && i >= 0 && i < object.length ? object[i] : null;
  }
  return typeof key === 'string' && !Array.isArray(object) ? own(object, key) : null;
}

const numeric = (v: unknown, f: (n: number) => number): unknown => (typeof v === 'number' ? f(v) : null);

function literalType(value: unknown): JsonSchema | undefined {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  return undefined;
}

const same = (a: JsonSchema | undefined, b: JsonSchema | undefined): JsonSchema | undefined =>
  JSON.stringify(a) === JSON.stringify(b) ? a : undefined;

/** A computed value may be null (a null input gives null), so its type always allows null. */
function withNull(type: JsonSchema | undefined): JsonSchema {
  if (!type) return {};
  const types = typesOf(type);
  if (types.length === 0 || types.includes('null')) return type;
  return { ...type, type: [...types, 'null'] };
}
