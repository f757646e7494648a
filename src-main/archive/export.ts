// Transaction exports for accountants and integrators: CSV (RFC 4180, UTF-8 with BOM so Excel
// reads accents) and real .xlsx (exceljs streaming writer, typed columns, a header row),
// written page by page with a yield to the event loop between pages.
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { TransactionQuery } from '../../src-shared/api/index.ts';
import type { Transaction } from '../../src-shared/domain/index.ts';
import type { SqliteArchive } from './sqlite.ts';

export type ExportFormat = 'csv' | 'xlsx';

/**
 * Rows read and written between two yields to the event loop: an .xlsx row costs ~0.1 ms
 * (styles, zip), a CSV row ~0.01 ms, so each slice stays around 50 ms at most.
 */
const SLICE_ROWS: Record<ExportFormat, number> = { csv: 2000, xlsx: 500 };

interface Column {
  header: string;
  key: string;
  width: number;
  value: (t: Transaction) => string | number | Date | null;
  numFmt?: string;
}

const COLUMNS: Column[] = [
  { header: 'Transaction', key: 'id', width: 12, value: (t) => t.id },
  { header: 'Station', key: 'stationId', width: 18, value: (t) => t.stationId },
  { header: 'EVSE', key: 'evseId', width: 6, value: (t) => t.evseId },
  { header: 'Connector', key: 'connectorId', width: 10, value: (t) => t.connectorId },
  { header: 'Badge', key: 'idTag', width: 16, value: (t) => t.idTag },
  { header: 'Started (UTC)', key: 'startedAt', width: 22, value: (t) => new Date(t.startedAt), numFmt: 'yyyy-mm-dd hh:mm:ss' },
  { header: 'Stopped (UTC)', key: 'stoppedAt', width: 22, value: (t) => (t.stoppedAt ? new Date(t.stoppedAt) : null), numFmt: 'yyyy-mm-dd hh:mm:ss' },
  { header: 'Duration (min)', key: 'duration', width: 14, value: (t) => (t.stoppedAt ? Math.round((Date.parse(t.stoppedAt) - Date.parse(t.startedAt)) / 600) / 100 : null), numFmt: '0.00' },
  { header: 'Energy (kWh)', key: 'energyKWh', width: 13, value: (t) => (t.energyWh === null ? null : Math.round(t.energyWh) / 1000), numFmt: '0.000' },
  { header: 'SoC start (%)', key: 'socStart', width: 13, value: (t) => t.socStart },
  { header: 'SoC end (%)', key: 'socEnd', width: 12, value: (t) => t.socEnd },
  { header: 'Stop reason', key: 'stopReason', width: 16, value: (t) => t.stopReason },
  { header: 'OCPP transaction id', key: 'ocppTransactionId', width: 38, value: (t) => t.ocppTransactionId },
];

function csvCell(value: string | number | Date | null): string {
  if (value === null) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  // Cells a spreadsheet would run as a formula are neutralised.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function write(stream: Writable, chunk: string): Promise<void> {
  return stream.write(chunk) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
}

/** Streams the filtered transactions to `out`; resolves with the number of rows written (fewer once `signal` aborts). */
export async function exportTransactions(archive: SqliteArchive, query: TransactionQuery, format: ExportFormat, out: Writable, signal?: AbortSignal): Promise<number> {
  let rows = 0;
  if (format === 'csv') {
    await write(out, `\uFEFF${COLUMNS.map((c) => c.header).join(',')}\r\n`);
    for (const page of archive.transactionPages(query, SLICE_ROWS.csv)) {
      if (signal?.aborted) break;
      await write(out, page.map((t) => COLUMNS.map((c) => csvCell(c.value(t))).join(',')).join('\r\n') + '\r\n');
      rows += page.length;
      await nextTurn();
    }
    out.end();
    return rows;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Transactions', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const page of archive.transactionPages(query, SLICE_ROWS.xlsx)) {
    if (signal?.aborted) break;
    for (const t of page) sheet.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(t)]))).commit();
    rows += page.length;
    await nextTurn();
  }
  // Nobody reads any more: the half-written file is dropped, not finished.
  if (signal?.aborted) return rows;
  sheet.commit();
  await workbook.commit();
  return rows;
}
