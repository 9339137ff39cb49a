import { type Readable, Transform } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { ImportMapping, ImportPreview, IngestResult, RowError } from '@pulse/protocol';
import { CsvError, parse } from 'csv-parse';
import { ApiError, ApiErrorCode, invalidRows } from '../api/api-errors.js';
import { CsvRowReader } from './csv-values.js';
import { IngestService, type Validation } from './ingest.service.js';
import { type IngestTable, requiredFields } from './ingest-tables.js';

/** Rows read and validated between two yields to the event loop. */
const CHUNK_ROWS = 2_000;
/** Enough to show and fix a file's problems; a file with more errors is usually mapped wrong. */
const MAX_LISTED_ERRORS = 500;
const SAMPLE_ROWS = 10;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 250_000;

/**
 * CSV import: stream-parses the upload (csv-parse), maps headers to fields, reads and validates rows
 * in chunks with yields in between (a 100,000-row file never holds the event loop for long), and
 * either previews the result or writes every row in one transaction, so the dashboards move once.
 */
@Injectable()
export class CsvImportService {
  constructor(private readonly ingest: IngestService) {}

  async preview(table: IngestTable, body: Readable, mapping: ImportMapping): Promise<ImportPreview> {
    const parsed = await this.parse(table, body, mapping);
    const errors = await this.ingest.transaction((writes) =>
      this.ingest.problems(writes, table, parsed.validation),
    );
    const all = [...parsed.validation.errors, ...errors.map((error) => withLine(error, parsed.lines))];
    all.sort((a, b) => a.index - b.index);
    const refused = new Set(all.map((error) => error.index));
    return {
      table: table.name,
      rows: parsed.rowCount,
      valid: parsed.rowCount - refused.size,
      errorCount: all.length,
      errors: all.slice(0, MAX_LISTED_ERRORS),
      columns: parsed.columns,
      missing: parsed.missing,
      sample: parsed.validation.rows.slice(0, SAMPLE_ROWS),
    };
  }

  async commit(table: IngestTable, body: Readable, mapping: ImportMapping): Promise<IngestResult> {
    const parsed = await this.parse(table, body, mapping);
    const { errors } = parsed.validation;
    if (errors.length > 0) throw invalidRows(errors.slice(0, MAX_LISTED_ERRORS), errors.length);
    try {
      return await this.ingest.transaction((writes) => this.ingest.write(writes, table, parsed.validation));
    } catch (error) {
      if (error instanceof ApiError && error.rows) {
        throw invalidRows(
          error.rows.slice(0, MAX_LISTED_ERRORS).map((row) => withLine(row, parsed.lines)),
          error.rows.length,
        );
      }
      throw error;
    }
  }

  private async parse(table: IngestTable, body: Readable, mapping: ImportMapping) {
    const reader = new CsvRowReader(table, mapping);
    let columns: ImportPreview['columns'] = [];
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      columns: (headers: string[]) => {
        const fields = reader.fieldsOf(headers);
        columns = headers.map((header, position) => ({ header, field: fields[position] ?? null }));
        return fields.map((field) => field ?? false);
      },
    });
    const validation: Validation = { rows: [], indexes: [], errors: [] };
    /** Line of the file each row starts on, by row index (for errors found after parsing). */
    const lines: number[] = [];
    let chunk: { cells: Record<string, string>; line: number }[] = [];
    const flush = async () => {
      await this.validateChunk(table, reader, chunk, lines.length - chunk.length, validation);
      chunk = [];
      // Records already buffered come as microtasks: give requests and the live pipeline a turn.
      await yieldToEventLoop();
    };
    try {
      body.on('error', (error) => parser.destroy(error));
      body.pipe(limitBytes(MAX_IMPORT_BYTES)).pipe(parser);
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        if (lines.length >= MAX_IMPORT_ROWS) throw tooManyRows();
        lines.push(info.lines);
        chunk.push({ cells: record, line: info.lines });
        if (chunk.length >= CHUNK_ROWS) await flush();
      }
      await flush();
    } catch (error) {
      throw importReadError(error);
    }
    if (columns.length === 0) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        ApiErrorCode.BadRequest,
        'body: the CSV file is empty',
        'body',
      );
    }
    const mapped = new Set(columns.map((column) => column.field));
    const missing = requiredFields(table).filter((field) => !mapped.has(field));
    return { validation, rowCount: lines.length, lines, columns, missing };
  }

  private async validateChunk(
    table: IngestTable,
    reader: CsvRowReader,
    chunk: { cells: Record<string, string>; line: number }[],
    offset: number,
    into: Validation,
  ): Promise<void> {
    const unreadable: RowError[] = [];
    const rows = chunk.map(({ cells, line }, position) => {
      const { row, errors } = reader.read(cells, offset + position, line);
      unreadable.push(...errors);
      return row;
    });
    const validation = await this.ingest.validate(table, rows, offset);
    // A cell that could not be read is reported once, as unreadable, not again as missing.
    const unreadableCells = new Set(unreadable.map((error) => `${error.index}:${error.field}`));
    const refused = new Set(unreadable.map((error) => error.index));
    validation.rows.forEach((row, position) => {
      const index = validation.indexes[position] ?? 0;
      if (refused.has(index)) return;
      into.rows.push(row);
      into.indexes.push(index);
    });
    const schemaErrors = validation.errors
      .filter((error) => !unreadableCells.has(`${error.index}:${error.field}`))
      .map((error) => ({ ...error, line: chunk[error.index - offset]?.line }));
    into.errors.push(...[...unreadable, ...schemaErrors].sort((a, b) => a.index - b.index));
  }
}

const withLine = (error: RowError, lines: number[]): RowError => ({ ...error, line: lines[error.index] });

/** Ends the upload with a 413 once it passes `maxBytes`, whatever Content-Length claimed. */
function limitBytes(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(tooLarge());
      else callback(null, chunk);
    },
  });
}

const tooLarge = () =>
  new ApiError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    ApiErrorCode.PayloadTooLarge,
    `body: the CSV file exceeds ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it`,
    'body',
  );

const tooManyRows = () =>
  new ApiError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    ApiErrorCode.PayloadTooLarge,
    `body: the CSV file has more than ${MAX_IMPORT_ROWS.toLocaleString('en')} rows; split it`,
    'body',
  );

function importReadError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    return new ApiError(
      HttpStatus.BAD_REQUEST,
      ApiErrorCode.BadRequest,
      `body: not readable as CSV${line ? ` at line ${line}` : ''} (${error.message})`,
      'body',
    );
  }
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof ApiError) return cause;
  return error;
}
