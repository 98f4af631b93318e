// Columns of a destination table, from a stream's JSON schema: scalars get SQL types, nested
// objects and arrays are kept as JSON.
export interface Column {
  name: string;
  sqlType: string;
}

export function columnsOf(schema: Record<string, unknown>): Column[] {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).map(([name, p]) => ({ name, sqlType: sqlType(p) }));
}

function sqlType(p: Record<string, unknown>): string {
  const types = (Array.isArray(p.type) ? p.type : [p.type]).filter((t) => t && t !== 'null') as string[];
  if (types.length !== 1) return 'JSON';
  switch (types[0]) {
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return p.format === 'date-time' ? 'TIMESTAMPTZ' : p.format === 'date' ? 'DATE' : 'VARCHAR';
    default:
      return 'JSON';
  }
}

export const quote = (id: string): string => `"${id.replace(/"/g, '""')}"`;
