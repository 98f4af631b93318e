// `singer --about [--format=json|markdown]`: the tap described the way the Meltano SDK does
// (singer_sdk/about.py: name, description, version, sdk_version, capabilities, settings), so
// Meltano and MeltanoHub tooling can read it. The settings are the connector's spec.
import type { ConnectorSpecification, JsonSchema } from '../protocol.js';

export type AboutFormat = 'text' | 'json' | 'markdown';
export const ABOUT_FORMATS: AboutFormat[] = ['text', 'json', 'markdown'];

/**
 * What Singer mode can do, in Meltano's capability names. `properties` is left out although
 * --properties works: Meltano's plugin definition says to declare `catalog` or `properties`, not both.
 */
export const CAPABILITIES = ['about', 'catalog', 'discover', 'state', 'stream-maps'];

/** `source-wootric` -> `tap-wootric`: the name each connector's bin and Meltano know the tap by. */
export const tapName = (source: string): string => `tap-${source.replace(/^source-/, '')}`;

export function aboutText(
  source: { name: string; version: string; spec: ConnectorSpecification },
  format: AboutFormat,
): string {
  const settings = meltanoSettings(source.spec.connectionSpecification);
  const name = tapName(source.name);
  const description = typeof settings.title === 'string' ? settings.title : `${source.name} as a Singer tap (conkit)`;
  const info = {
    name,
    description,
    version: source.version,
    sdk_version: 'conkit',
    capabilities: CAPABILITIES,
    settings,
  };
  if (format === 'json') return JSON.stringify(info, null, 2);
  const props = (settings.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(settings.required) ? (settings.required as string[]) : []);
  if (format === 'markdown')
    return [
      `# \`${name}\``,
      '',
      description,
      '',
      '## Capabilities',
      '',
      ...CAPABILITIES.map((c) => `- \`${c}\``),
      '',
      '## Settings',
      '',
      '| Setting | Required | Default | Description |',
      '|:--------|:--------:|:-------:|:------------|',
      ...Object.entries(props).map(
        ([k, p]) =>
          `| ${k} | ${required.has(k) ? 'True' : 'False'} | ${p.default === undefined ? 'None' : JSON.stringify(p.default)} | ${String(p.description ?? '').replace(/\n/g, '<BR/>')} |`,
      ),
      '',
      `A full list of supported settings and capabilities is available by running: \`${name} --about\``,
    ].join('\n');
  return [
    `Name: ${name}`,
    `Description: ${description}`,
    `Version: ${source.version}`,
    'SDK Version: conkit',
    'Capabilities:',
    ...CAPABILITIES.map((c) => `  - ${c}`),
    'Settings:',
    ...Object.entries(props).flatMap(([k, p]) => [
      `  - Name: ${k}`,
      `    Type: ${[p.type ?? 'any'].flat().join(' | ')}`,
    ]),
  ].join('\n');
}

/** The spec's schema with the Meltano SDK's marks for secrets (`secret`, `writeOnly`) beside Airbyte's. */
function meltanoSettings(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = visit(v);
    if (out.airbyte_secret === true) Object.assign(out, { secret: true, writeOnly: true });
    return out;
  };
  return visit(schema) as JsonSchema;
}
