/**
 * The REST contract of ingest and CSV import (`/api/ingest`, `/api/import`), shared by the server
 * that answers it and the import screen that reads it.
 */

/** One refused row of a batch: its position (0-based), the field at fault and why. */
export interface RowError {
  index: number;
  field?: string;
  reason: string;
  /** CSV import only: the line of the file the row started on (the header is line 1). */
  line?: number;
}

/** How a source's CSV export maps onto a facts table: saved per source (e.g. a Salesforce report). */
export interface ImportMapping {
  /**
   * CSV header → field of the table, or null to leave the column out. A header without an entry
   * maps to the field of its name, so leaving out such a column needs the explicit null.
   */
  columns: Record<string, string | null>;
  /** How the export writes dates: ISO (2026-11-27), US reports (11/27/2026) or day first (27/11/2026). */
  dateFormat: 'iso' | 'mdy' | 'dmy';
  /** Per field, the source's words for the table's values (Zendesk priority 'urgent' → 'emergency'). */
  values: Record<string, Record<string, string>>;
  /** Fields whose source values are in currency units (12,345.67) where the table keeps cents. */
  currencyUnits: string[];
}

/** A mapping the import screen offers: saved for a source, or built into Pulse. */
export interface MappingInfo {
  table: string;
  source: string;
  mapping: ImportMapping;
  builtIn: boolean;
}

/** One facts table's write contract, for clients and the import screen. */
export interface IngestTableInfo {
  name: string;
  key: readonly string[];
  fields: string[];
  required: string[];
}

/** What a written batch did. `unchanged` rows were already stored exactly so. */
export interface IngestResult {
  table: string;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What an import would write, shown before anything is: counts, every bad row, the column mapping. */
export interface ImportPreview {
  table: string;
  rows: number;
  valid: number;
  /** All refused rows' errors count; `errors` lists the first few hundred. */
  errorCount: number;
  errors: RowError[];
  columns: { header: string; field: string | null }[];
  /** Required fields no column maps to (every row then fails on them). */
  missing: string[];
  /** The first rows as they would be written. */
  sample: Record<string, unknown>[];
}
