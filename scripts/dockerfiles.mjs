#!/usr/bin/env node
// Writes connectors/<name>/Dockerfile for every connector from the one template below: the images
// differ only in the connector's name. `--check` writes nothing and exits 1 naming any Dockerfile
// that differs from what the template makes (test/images/dockerfiles.test.ts runs it).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_IMAGE = 'node:24-bookworm-slim';
const PNPM = '10.34.9';

export function dockerfile(name, version) {
  return `# ${name} image, made by scripts/dockerfiles.mjs from the template every connector shares (edit the
# template, not this file). Build from the repository root:
#   docker build -f connectors/${name}/Dockerfile -t ${name}:dev .
# Stage 1 builds with dev dependencies; stage 2 ships dist/ and production dependencies only.
ARG BASE_IMAGE=${NODE_IMAGE}
FROM ${NODE_IMAGE} AS build
RUN npm install -g pnpm@${PNPM}
WORKDIR /src
# the packages come from the lockfile alone, in a layer of their own: a change to the sources
# reuses it, and the install after the copy only links (pnpm fetch, made for image builds)
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile --filter "@conkit/${name}..." \\
 && pnpm --filter "@conkit/${name}..." build \\
 && pnpm --filter @conkit/${name} deploy --prod --legacy /out

FROM \${BASE_IMAGE}
USER root
RUN command -v tini >/dev/null || (apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*)
WORKDIR /app
COPY --from=build --chown=node:node /out/package.json /app/package.json
COPY --from=build --chown=node:node /out/dist /app/dist
COPY --from=build --chown=node:node /out/node_modules /app/node_modules
ENV NODE_ENV=production \\
    AIRBYTE_ENTRYPOINT="/usr/bin/tini -- node /app/dist/main.js"
LABEL io.airbyte.name="conkit/${name}" \\
      io.airbyte.version="${version}"
USER node
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/main.js"]
`;
}

const check = process.argv.includes('--check');
const differ = [];
for (const name of readdirSync(join(root, 'connectors')).sort()) {
  const pkg = join(root, 'connectors', name, 'package.json');
  if (!existsSync(pkg)) continue;
  const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
  const file = join(root, 'connectors', name, 'Dockerfile');
  const want = dockerfile(name, version);
  if ((existsSync(file) ? readFileSync(file, 'utf8') : '') === want) continue;
  if (check) differ.push(`connectors/${name}/Dockerfile`);
  else writeFileSync(file, want);
}
if (differ.length) {
  process.stderr.write(
    `Not what scripts/dockerfiles.mjs makes: ${differ.join(', ')}. Run node scripts/dockerfiles.mjs.\n`,
  );
  process.exit(1);
}
