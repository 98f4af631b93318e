#!/usr/bin/env node
// Bundles a connector's entry (src/main.ts, or the entry and output given) with everything it imports into one ESM file,
// dist/main.js, after tsc has type-checked and emitted the modules. One file starts ~70 ms faster
// than ~400 small ones: Airbyte starts a fresh process for every spec, check, discover and read.
// What the kit imports on first use (axios, the AWS SDK, stream-json) goes to chunk files beside it
// (dist/main-chunks/), so a start that never needs them does not even parse them (~1.5 MB for the
// SDK: ~20 ms of every Ometria or S3 start).
// Not minified, so stack traces in TRACE messages stay readable (keepNames is off: it wraps every
// closure created on the hot path in a defineProperty call, ~10% of a CSV read).
// Run from the connector's folder; esbuild is resolved from there (a devDependency of each
// connector, so a filtered install in an image build has it too).
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const esbuild = await import(require.resolve('esbuild'));
const [entry = 'src/main.ts', outfile = 'dist/main.js'] = process.argv.slice(2);
const name = basename(outfile, '.js');
const outdir = dirname(outfile);
// chunk names carry a content hash: drop the last build's so stale ones do not pile up
rmSync(join(outdir, `${name}-chunks`), { recursive: true, force: true });
await esbuild.build({
  entryPoints: { [name]: entry },
  outdir,
  splitting: true,
  chunkNames: `${name}-chunks/[name]-[hash]`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins
  banner: {
    js: "import { createRequire as __conkitCreateRequire } from 'node:module';\nconst require = __conkitCreateRequire(import.meta.url);",
  },
});
// A connector's dist/main.js also runs as a Singer tap: `main.js singer ...`. Its package declares a
// bin tap-<vendor> -> dist/tap.js, this two-line program, so `tap-wootric --config c.json --discover`
// (how Meltano and the Singer spec call a tap) is that same bundle with `singer` put in front.
if (name === 'main')
  writeFileSync(
    join(outdir, 'tap.js'),
    "#!/usr/bin/env node\n// tap-<vendor>: this connector as a Singer tap (made by scripts/bundle.mjs)\nprocess.argv.splice(2, 0, 'singer');\nawait import('./main.js');\n",
    { mode: 0o755 },
  );
