import type { ImportMapping, RowError } from '@pulse/protocol';
import { z } from 'zod';
import { type IngestTable, objectShape } from './ingest-tables.js';

/** Reads an {@link ImportMapping} from a request or a saved row, filling in the defaults. */
export const importMappingSchema = z
  .object({
    columns: z.record(z.string().max(200), z.string().max(64).nullable()).default({}),
    dateFormat: z.enum(['iso', 'mdy', 'dmy']).default('iso'),
    values: z.record(z.string().max(64), z.record(z.string().max(200), z.string().max(200))).default({}),
    currencyUnits: z.array(z.string().max(64)).default([]),
  })
  .strict() satisfies z.ZodType<ImportMapping>;

type FieldKind = 'number' | 'boolean' | 'array' | 'date' | 'datetime' | 'enum' | 'text';

interface FieldType {
  kind: FieldKind;
  options?: readonly string[];
}

/** The kind of value a schema field takes, under optional/nullable/default wrappers. */
function fieldType(schema: z.ZodType): FieldType {
  let inner = schema as unknown as { _zod: { def: { type: string; innerType?: unknown; format?: string } } };
  while (['optional', 'nullable', 'default'].includes(inner._zod.def.type) && inner._zod.def.innerType) {
    inner = inner._zod.def.innerType as typeof inner;
  }
  const { type, format } = inner._zod.def;
  if (type === 'number') return { kind: 'number' };
  if (type === 'boolean') return { kind: 'boolean' };
  if (type === 'array') return { kind: 'array' };
  if (type === 'enum') return { kind: 'enum', options: (inner as unknown as z.ZodEnum).options as string[] };
  if (type === 'string' && format === 'date') return { kind: 'date' };
  if (type === 'string' && format === 'datetime') return { kind: 'datetime' };
  return { kind: 'text' };
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);
const GROUPED_THOUSANDS = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** Turns the text of CSV cells into the values a table's schema takes, per its field types. */
export class CsvRowReader {
  private readonly types: Map<string, FieldType>;

  constructor(
    table: IngestTable,
    private readonly mapping: ImportMapping,
  ) {
    this.types = new Map(
      Object.entries(objectShape(table.schema)).map(([field, s]) => [field, fieldType(s)]),
    );
  }

  /** The field each header maps to, or null for a column the import leaves out. */
  fieldsOf(headers: readonly string[]): (string | null)[] {
    const { columns } = this.mapping;
    return headers.map((header) => {
      const mapped = Object.hasOwn(columns, header) ? columns[header] : header.trim();
      return mapped != null && this.types.has(mapped) ? mapped : null;
    });
  }

  /** A row of typed values, and the cells that could not be read (reported like schema errors). */
  read(
    cells: Record<string, string>,
    index: number,
    line: number,
  ): { row: Record<string, unknown>; errors: RowError[] } {
    const row: Record<string, unknown> = {};
    const errors: RowError[] = [];
    for (const [field, raw] of Object.entries(cells)) {
      const type = this.types.get(field);
      const text = this.translate(field, raw.trim());
      if (!type || text === '') continue;
      const value = this.convert(field, type, text);
      if (value instanceof Unreadable) errors.push({ index, line, field, reason: value.reason });
      else row[field] = value;
    }
    return { row, errors };
  }

  private translate(field: string, text: string): string {
    const words = this.mapping.values[field];
    if (!words || text === '') return text;
    return words[text] ?? words[text.toLowerCase()] ?? text;
  }

  private convert(field: string, type: FieldType, text: string): unknown {
    switch (type.kind) {
      case 'number': {
        const plain = GROUPED_THOUSANDS.test(text) ? text.replaceAll(',', '') : text;
        const number = Number(plain);
        if (plain === '' || !Number.isFinite(number))
          return new Unreadable(`'${clip(text)}' is not a number`);
        return this.mapping.currencyUnits.includes(field) ? Math.round(number * 100) : number;
      }
      case 'boolean': {
        const word = text.toLowerCase();
        if (TRUE.has(word)) return true;
        if (FALSE.has(word)) return false;
        return new Unreadable(`'${clip(text)}' is not true or false`);
      }
      case 'array':
        return text
          .split(/[;|]/)
          .map((item) => item.trim())
          .filter((item) => item !== '');
      case 'enum': {
        // Exports write values as labels ("Mid Market", "Hands-on lab"); the table keeps snake_case.
        const word = text.toLowerCase().replace(/[\s-]+/g, '_');
        return type.options?.includes(word) ? word : text;
      }
      case 'date':
        return this.isoDate(text) ?? new Unreadable(`'${clip(text)}' is not a ${this.dateFormatName()} date`);
      case 'datetime':
        return (
          this.isoInstant(text) ??
          new Unreadable(`'${clip(text)}' is not a ${this.dateFormatName()} date and time`)
        );
      case 'text':
        return text;
    }
  }

  private dateFormatName(): string {
    return { iso: 'YYYY-MM-DD', mdy: 'MM/DD/YYYY', dmy: 'DD/MM/YYYY' }[this.mapping.dateFormat];
  }

  private isoDate(text: string): string | null {
    if (this.mapping.dateFormat === 'iso') return /^\d{4}-\d\d-\d\d$/.test(text) ? text : null;
    const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
    if (!parts) return null;
    const [, first = '', second = '', year = ''] = parts;
    const [month, day] = this.mapping.dateFormat === 'mdy' ? [first, second] : [second, first];
    return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  }

  /** A date alone is midnight UTC; a time without offset is UTC (exports rarely say otherwise). */
  private isoInstant(text: string): string | null {
    const [datePart = '', timePart] = text.split(/[T ]/, 2);
    const date = this.isoDate(datePart);
    if (!date) return null;
    if (!timePart) return `${date}T00:00:00Z`;
    const time = text.slice(datePart.length + 1);
    const withSeconds = /^\d\d:\d\d($|[Z+-])/.test(time) ? `${time.slice(0, 5)}:00${time.slice(5)}` : time;
    return /(Z|[+-]\d\d:?\d\d)$/.test(withSeconds) ? `${date}T${withSeconds}` : `${date}T${withSeconds}Z`;
  }
}

class Unreadable {
  constructor(readonly reason: string) {}
}

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
