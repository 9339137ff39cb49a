import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';

/** A column of an exported list: its heading (as on screen) and how a row shows it. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | null;
}

/**
 * Streams `rows` as a CSV download (csv-stringify), waiting whenever the client reads slower than
 * rows are written, so a 50,000-row list never sits whole in memory as text.
 */
export async function sendCsv<T>(
  response: Response,
  filename: string,
  columns: readonly CsvColumn<T>[],
  rows: Iterable<T>,
): Promise<void> {
  response.status(200);
  response.setHeader('content-type', 'text/csv; charset=utf-8');
  response.setHeader('content-disposition', `attachment; filename="${filename}"`);
  const csv = stringify({ header: true, columns: columns.map((column) => column.header), bom: true });
  const sent = pipeline(csv, response);
  for (const row of rows) {
    if (!csv.write(columns.map((column) => column.value(row) ?? ''))) await once(csv, 'drain');
  }
  csv.end();
  await sent;
}

/** Cents as a plain decimal a spreadsheet reads as a number (no currency sign, no grouping). */
export const dollars = (cents: number | null) => (cents === null ? null : (cents / 100).toFixed(2));
