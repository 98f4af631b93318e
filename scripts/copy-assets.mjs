#!/usr/bin/env node
// Copies non-TypeScript assets (JSON schemas, WSDL files) from src to dist, keeping their paths,
// so a built connector is self-contained: node dist/main.js needs nothing from src.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const [from, to, ...exts] = process.argv.slice(2);
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (exts.some((e) => f.endsWith(e))) {
      const dest = join(to, p.slice(from.length));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(p, dest);
    }
  }
};
walk(from);
