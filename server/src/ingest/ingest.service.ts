import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { IngestResult, RowError } from '@pulse/protocol';
import type { z } from 'zod';
import { ApiError, ApiErrorCode, invalidRows } from '../api/api-errors.js';
import { IngestRepository, type IngestTransaction } from './ingest.repository.js';
import { type IngestTable, objectShape, type ParentLink, schemaFields } from './ingest-tables.js';

/** A validated row: the schema's output, parent links not yet resolved. */
export type ValidRow = Record<string, unknown>;

export interface Validation {
  rows: ValidRow[];
  /** Positions in the input of each row of `rows` (so later errors name the input's row). */
  indexes: number[];
  errors: RowError[];
}

/** Rows validated between two yields to the event loop: a 100,000-row file never blocks it long. */
const VALIDATION_CHUNK = 2_000;

/**
 * REST ingest and CSV import share this: validate every row against the table's schema, check what
 * rows refer to, and upsert them in one transaction through the facts tables (whose triggers feed
 * the change log, so the live pipeline picks the rows up like any other write).
 */
@Injectable()
export class IngestService {
  constructor(private readonly repository: IngestRepository) {}

  /** Validates rows in chunks, yielding between them. `offset` numbers the rows of a later chunk. */
  async validate(table: IngestTable, input: readonly unknown[], offset = 0): Promise<Validation> {
    const validation: Validation = { rows: [], indexes: [], errors: [] };
    for (let start = 0; start < input.length; start += VALIDATION_CHUNK) {
      if (start > 0) await yieldToEventLoop();
      const end = Math.min(input.length, start + VALIDATION_CHUNK);
      for (let position = start; position < end; position++) {
        const index = offset + position;
        const result = table.schema.safeParse(input[position]);
        if (result.success) {
          validation.rows.push(result.data);
          validation.indexes.push(index);
        } else {
          validation.errors.push(...rowErrors(table, index, input[position], result.error));
        }
      }
    }
    return validation;
  }

  /** REST ingest: the whole batch or nothing, answered again as first when its key is sent again. */
  async ingest(table: IngestTable, body: unknown, idempotencyKey?: string): Promise<IngestResult> {
    if (!Array.isArray(body)) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        ApiErrorCode.InvalidParameter,
        'body: must be a JSON array of rows',
        'body',
      );
    }
    const validation = await this.validate(table, body);
    if (validation.errors.length > 0) throw invalidRows(validation.errors);
    const requestHash = idempotencyKey ? hashRequest(table.name, body) : '';
    return this.repository.transaction(async (writes) => {
      if (idempotencyKey) {
        const stored = await writes.claimIdempotencyKey(idempotencyKey, requestHash);
        if (stored) return replay(stored, requestHash);
      }
      const result = await this.write(writes, table, validation);
      if (idempotencyKey) await writes.saveIdempotentResponse(idempotencyKey, result);
      return result;
    });
  }

  /** Writes validated rows inside `writes`' transaction; refuses the batch if any reference is missing. */
  async write(writes: IngestTransaction, table: IngestTable, validation: Validation): Promise<IngestResult> {
    const { rows } = validation;
    const errors = await this.problems(writes, table, validation);
    if (errors.length > 0) throw invalidRows(errors);
    const columns = tableColumns(table);
    const counts = await writes.upsert(table, columns, rows);
    return {
      table: table.name,
      received: rows.length,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: rows.length - counts.inserted - counts.updated,
    };
  }

  /**
   * What keeps valid rows from being written: a missing account, team member or parent row, or two
   * rows with one key. Resolves parent links on the rows as it goes.
   */
  async problems(writes: IngestTransaction, table: IngestTable, validation: Validation): Promise<RowError[]> {
    const { rows, indexes } = validation;
    const errors = await referenceErrors(writes, table, rows, indexes);
    errors.push(...duplicateKeyErrors(table, rows, indexes));
    return errors.sort((a, b) => a.index - b.index);
  }

  /** Runs `work` in one transaction (CSV import commits its whole file in one). */
  transaction<T>(work: (writes: IngestTransaction) => Promise<T>): Promise<T> {
    return this.repository.transaction(work);
  }
}

/** The table's columns as written: the schema's fields with the parent link replaced by its id column. */
function tableColumns(table: IngestTable): string[] {
  const fields = schemaFields(table).filter((field) => field !== table.parent?.field);
  return table.parent ? [...fields, table.parent.column] : fields;
}

function rowErrors(table: IngestTable, index: number, input: unknown, error: z.ZodError): RowError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ index, reason: 'must be an object of column values' }];
  }
  const fields = objectShape(table.schema);
  // One reason per field: a malformed date need not also be called out of range.
  const reported = new Set<string>();
  return error.issues.flatMap((issue): RowError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ index, field: key, reason: `is not a field of ${table.name}` }));
    }
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
    if (reported.has(field ?? '')) return [];
    reported.add(field ?? '');
    const missing =
      field !== undefined && field in fields && (input as Record<string, unknown>)[field] === undefined;
    return [{ index, ...(field ? { field } : {}), reason: missing ? 'is required' : issue.message }];
  });
}

/** Rows naming an account, a team member or a parent row that does not exist (nor comes in the batch). */
async function referenceErrors(
  writes: IngestTransaction,
  table: IngestTable,
  rows: ValidRow[],
  indexes: number[],
): Promise<RowError[]> {
  const errors: RowError[] = [];
  for (const reference of table.references) {
    const named = new Set(rows.map((row) => row[reference.field]).filter((id) => typeof id === 'string'));
    // A member's manager may come in the same batch.
    const inBatch = reference.table === table.name ? new Set(rows.map((row) => row.id as string)) : new Set();
    const existing = await writes.existingIds(
      reference,
      [...named].filter((id) => !inBatch.has(id)),
    );
    rows.forEach((row, position) => {
      const id = row[reference.field];
      if (typeof id === 'string' && !existing.has(id) && !inBatch.has(id)) {
        errors.push({
          index: indexes[position] ?? position,
          field: reference.field,
          reason: `${reference.table === 'accounts' ? 'account' : 'team member'} '${id}' does not exist`,
        });
      }
    });
  }
  const { parent } = table;
  if (parent) {
    const keys = [...new Set(rows.map((row) => row[parent.field]).filter((key) => typeof key === 'string'))];
    const ids = await writes.parentIds(parent, keys);
    const refused = new Set(errors.map((error) => `${error.index}:${error.field}`));
    rows.forEach((row, position) => {
      const key = row[parent.field];
      const id = typeof key === 'string' ? ids.get(key) : undefined;
      const index = indexes[position] ?? position;
      if (typeof key === 'string' && id === undefined && !refused.has(`${index}:${parent.field}`)) {
        errors.push({ index, field: parent.field, reason: MISSING_PARENT[parent.table](key) });
      }
      row[parent.column] = id ?? null;
    });
  }
  return errors;
}

const MISSING_PARENT: Record<ParentLink['table'], (key: string) => string> = {
  success_plans: (account) => `account '${account}' has no success plan`,
  sp_objectives: (key) => `objective '${key}' does not exist`,
  engagements: (key) => `engagement '${key}' does not exist`,
  program_sessions: (key) => `program session '${key}' does not exist`,
};

/** Two rows with one key would make the database refuse the whole statement: name the later one. */
function duplicateKeyErrors(table: IngestTable, rows: ValidRow[], indexes: number[]): RowError[] {
  const seen = new Map<string, number>();
  const errors: RowError[] = [];
  rows.forEach((row, position) => {
    const key = JSON.stringify(table.key.map((column) => row[column]));
    const index = indexes[position] ?? position;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      errors.push({
        index,
        field: table.key.find((column) => column !== table.parent?.column) ?? table.key[0],
        reason: `same ${table.key.join(' and ')} as row ${first}`,
      });
    }
  });
  return errors;
}

function hashRequest(table: string, body: unknown): string {
  return createHash('sha256').update(table).update('\0').update(JSON.stringify(body)).digest('hex');
}

function replay(stored: { requestHash: string; response: unknown }, requestHash: string): IngestResult {
  if (stored.requestHash !== requestHash) {
    throw new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      ApiErrorCode.IdempotencyKeyReused,
      'Idempotency-Key: already used for a different request; send a new key for new data',
      'Idempotency-Key',
    );
  }
  return stored.response as IngestResult;
}
