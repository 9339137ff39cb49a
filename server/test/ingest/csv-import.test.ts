import { readFile } from 'node:fs/promises';
import type { ImportPreview as Preview, RowError, IngestResult as Written } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_TABLES } from '../../src/database/database.types.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';

const sample = (file: string) => readFile(new URL(`../../../docs/import/${file}`, import.meta.url), 'utf8');

/** CSV import through the whole server: preview with every bad row, then one transaction or nothing. */
describe.each(TEST_DRIVERS)('CSV import on %s', (driver) => {
  let pulse: TestApp;

  const upload = <T>(table: string, csv: string, query = '') =>
    pulse.request<T>(`/api/import/${table}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });

  beforeAll(async () => {
    pulse = await startTestApp(driver);
  }, 180_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  it('previews and commits the sample file of every facts table, each in one transaction', async () => {
    // docs/import/ has a sample file per facts table; loaded in FACTS_TABLES' order, parents first.
    for (const table of FACTS_TABLES) {
      const csv = await sample(`${table}.csv`);
      const rows = csv.trim().split('\n').length - 1;
      const preview = await upload<Preview>(table, csv);
      expect({
        table,
        status: preview.status,
        errors: preview.body.errors,
        missing: preview.body.missing,
      }).toEqual({
        table,
        status: 200,
        errors: [],
        missing: [],
      });
      expect(preview.body).toMatchObject({ rows, valid: rows });
      const committed = await upload<Written>(table, csv, '?mode=commit');
      expect({ table, status: committed.status, body: committed.body }).toEqual({
        table,
        status: 200,
        body: { table, received: rows, inserted: rows, updated: 0, unchanged: 0 },
      });
      const again = await upload<Written>(table, csv, '?mode=commit');
      expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: rows });
    }
    // The whole usage file went in as one transaction: its change-log rows share one transaction id.
    const xids = await pulse.database.db
      .selectFrom('change_log')
      .select('xid')
      .distinct()
      .where('table_name', '=', 'arr_movements')
      .where('account_id', 'like', 'sample-%')
      .execute();
    expect(xids).toHaveLength(1);
  }, 120_000);

  it('lists every bad row with its line, field and reason, and a refused commit writes nothing', async () => {
    const csv = [
      'external_id,account_id,kind,amount_cents,effective_date,note',
      'csv-ok-1,sample-acct-1,expansion,100000,2026-11-01,fine',
      'csv-bad-1,sample-acct-1,gift,100000,2026-11-01,',
      'csv-ok-2,sample-acct-1,expansion,"1,500",2026-11-01,grouped thousands',
      'csv-bad-2,no-such-account,expansion,100000,2026-11-01,',
      'csv-bad-3,sample-acct-1,expansion,lots,11/01/2026,',
      ',sample-acct-1,expansion,5,2026-11-01,',
    ].join('\n');
    const preview = await upload<Preview>('arr_movements', csv);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows: 6, valid: 2, errorCount: 5 });
    expect(preview.body.errors.map(({ index, line, field }) => [index, line, field])).toEqual([
      [1, 3, 'kind'],
      [3, 5, 'account_id'],
      [4, 6, 'amount_cents'],
      [4, 6, 'effective_date'],
      [5, 7, 'external_id'],
    ]);
    expect(preview.body.errors[2]?.reason).toBe("'lots' is not a number");
    expect(preview.body.errors[4]?.reason).toBe('is required');
    expect(preview.body.sample[1]).toMatchObject({ external_id: 'csv-ok-2', amount_cents: 1500 });

    const commit = await upload<{ error: { code: string; rows: RowError[] } }>(
      'arr_movements',
      csv,
      '?mode=commit',
    );
    expect([commit.status, commit.body.error.code, commit.body.error.rows.length]).toEqual([
      422,
      'invalid_rows',
      4,
    ]);
    const written = await pulse.database.db
      .selectFrom('arr_movements')
      .select('external_id')
      .where('external_id', 'like', 'csv-%')
      .execute();
    expect(written).toEqual([]);

    const fixed = csv
      .split('\n')
      .filter((line) => !line.startsWith('csv-bad') && !line.startsWith(','))
      .join('\n');
    const ok = await upload<Written>('arr_movements', fixed, '?mode=commit');
    expect(ok.body).toMatchObject({ inserted: 2 });
  }, 30_000);

  it('maps a Salesforce and a Zendesk export with the shipped mappings, and keeps a saved one', async () => {
    const accounts = await upload<Preview>(
      'accounts',
      await sample('salesforce-accounts.csv'),
      '?source=salesforce',
    );
    expect(accounts.body).toMatchObject({ rows: 1, valid: 1, errors: [] });
    expect(accounts.body.sample[0]).toMatchObject({
      id: '0015g00000XyZ1AAA',
      segment: 'mid_market',
      licensed_seats: 1250,
      contract_start: '2026-03-01',
    });
    expect(accounts.body.columns).toContainEqual({ header: 'Billing Country', field: null });
    const tickets = await upload<Written>(
      'support_tickets',
      await sample('zendesk-tickets.csv'),
      '?source=zendesk&mode=commit',
    );
    expect(tickets.body).toMatchObject({ inserted: 2 });
    const urgent = await pulse.database.db
      .selectFrom('support_tickets')
      .select('severity')
      .where('external_id', '=', '48213')
      .executeTakeFirst();
    expect(urgent?.severity).toBe('emergency');

    const mapping = {
      columns: {
        Ticket: 'external_id',
        Org: 'account_id',
        Opened: 'opened_at',
        Prio: 'severity',
        Title: 'subject',
      },
    };
    const saved = await pulse.request('/api/import/mappings/support_tickets/helpdesk', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mapping),
    });
    expect(saved.status).toBe(200);
    const listed = await pulse.get<{ source: string; builtIn: boolean }[]>(
      '/api/import/mappings?table=support_tickets',
    );
    expect(listed.body.map(({ source, builtIn }) => [source, builtIn])).toEqual([
      ['zendesk', true],
      ['helpdesk', false],
    ]);
    const helpdesk = await upload<Preview>(
      'support_tickets',
      'Ticket,Org,Opened,Prio,Title\nhd-1,sample-acct-1,2026-11-20 10:00,high,Login loop\n',
      '?source=helpdesk',
    );
    expect(helpdesk.body).toMatchObject({ valid: 1, errors: [] });
    expect(helpdesk.body.sample[0]).toMatchObject({ opened_at: '2026-11-20T10:00:00Z' });
  }, 30_000);

  it('leaves out a column mapped to null even when its header names a field, inline or saved', async () => {
    const csv = 'external_id,kind,title,held_on\ncsv-leave-1,webinar,Intro,2026-01-13\n';
    const leaveOutTitle = { columns: { title: null } };
    const inline = await upload<Preview>(
      'program_sessions',
      csv,
      `?mapping=${encodeURIComponent(JSON.stringify(leaveOutTitle))}`,
    );
    const saved = await pulse.request('/api/import/mappings/program_sessions/no-titles', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(leaveOutTitle),
    });
    expect(saved.status).toBe(200);
    const bySource = await upload<Preview>('program_sessions', csv, '?source=no-titles');
    for (const preview of [inline, bySource]) {
      expect(preview.status).toBe(200);
      expect(preview.body.columns).toContainEqual({ header: 'title', field: null });
      expect(preview.body.missing).toEqual(['title']);
      expect(preview.body).toMatchObject({ rows: 1, valid: 0 });
      expect(preview.body.errors.map((error) => [error.line, error.field])).toEqual([[2, 'title']]);
    }
  }, 30_000);

  it('refuses a file that is not CSV, empty, of the wrong type, or for no table, with a clear 4xx', async () => {
    const broken = await upload<{ error: { message: string } }>('accounts', 'id,name\n"unterminated,x\n');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/not readable as CSV/);
    const empty = await upload<{ error: { message: string } }>('accounts', '');
    expect([empty.status, empty.body.error.message]).toEqual([400, 'body: the CSV file is empty']);
    const json = await pulse.request<{ error: { field: string } }>('/api/import/accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect([json.status, json.body.error.field]).toEqual([415, 'Content-Type']);
    const unknown = await upload<{ error: { field: string } }>('invoices', 'a\n1');
    expect([unknown.status, unknown.body.error.field]).toEqual([404, 'table']);
    const noMapping = await upload<{ error: { field: string } }>('accounts', 'a\n1', '?source=nowhere');
    expect([noMapping.status, noMapping.body.error.field]).toEqual([400, 'source']);
  });
});
