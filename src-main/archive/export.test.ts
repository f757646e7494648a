// Transaction export through REST: more rows than one page, filters honoured, CSV escaping,
// and a real .xlsx opened again with exceljs to check its rows and typed cells.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSupervisor, type TestSupervisor } from '../app/test-support.ts';

let sup: TestSupervisor;
const COUNT = 6100; // more than one export page (5,000)

beforeAll(async () => {
  sup = await startTestSupervisor();
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < COUNT; i++) {
    const station = i % 3 === 0 ? 'CP201' : 'CP16';
    const startedAt = new Date(t0 + i * 60_000).toISOString();
    // One badge needs CSV quoting; one looks like a spreadsheet formula.
    const idTag = i === 7 ? 'A,"B"' : i === 8 ? '=CMD()' : `B${i % 50}`;
    const { transaction } = await sup.archive.insertTransaction({ stationId: station, ocppTransactionId: null, startKey: `k${i}`, evseId: 1, connectorId: 1, idTag, startedAt, meterStartWh: 1000, socStart: 20, receivedAt: startedAt });
    if (i % 10 !== 0) await sup.archive.stopTransaction(transaction.id, { stoppedAt: new Date(t0 + i * 60_000 + 1_800_000).toISOString(), meterStopWh: 1000 + i, energyWh: i, socEnd: 80, stopReason: 'Local' }, startedAt);
  }
}, 120_000);
afterAll(async () => {
  await sup.dispose();
});

async function get(path: string): Promise<Response> {
  return fetch(`${sup.url}${path}`, { headers: { Authorization: 'Bearer test-key' } });
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describe('transaction export', () => {
  it('streams every filtered row as CSV, newest first, quoting and neutralising cells', async () => {
    const response = await get('/api/v1/transactions/export?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="transactions-.*\.csv"/);
    const rows = parseCsv((await response.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]?.slice(0, 3)).toEqual(['Transaction', 'Station', 'EVSE']);
    expect(rows).toHaveLength(COUNT + 1);
    expect(rows[1]?.[5]).toBe(new Date(Date.UTC(2026, 0, 1) + (COUNT - 1) * 60_000).toISOString());
    const badges = rows.map((r) => r[4]);
    expect(badges).toContain('A,"B"');
    expect(badges).toContain("'=CMD()");
    const ids = new Set(rows.slice(1).map((r) => r[0]));
    expect(ids.size).toBe(COUNT);
  });

  it('honours the filters and writes a real .xlsx with typed columns', async () => {
    const from = new Date(Date.UTC(2026, 0, 1) + 100 * 60_000).toISOString();
    const to = new Date(Date.UTC(2026, 0, 1) + 400 * 60_000).toISOString();
    const response = await get(`/api/v1/transactions/export?format=xlsx&stationId=CP16&from=${from}&to=${to}`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Transactions');
    const expected = sup.archive.queryTransactions({ stationId: 'CP16', from, to, limit: 10_000 });
    expect(sheet?.actualRowCount).toBe(expected.total + 1);
    expect(sheet?.getRow(1).getCell(2).value).toBe('Station');
    const first = sheet?.getRow(2);
    expect(first?.getCell(2).value).toBe('CP16');
    expect(first?.getCell(6).value).toBeInstanceOf(Date);
    expect(typeof first?.getCell(1).value).toBe('number');
    const energies = expected.items.filter((t) => t.energyWh !== null).map((t) => (t.energyWh as number) / 1000);
    const written = [];
    for (let r = 2; r <= (sheet?.actualRowCount ?? 0); r++) {
      const v = sheet?.getRow(r).getCell(9).value;
      if (typeof v === 'number') written.push(v);
    }
    expect(written.sort((a, b) => a - b)).toEqual(energies.sort((a, b) => a - b));
  });

  it('refuses a bad filter with 400 and a message, before writing anything', async () => {
    const response = await get('/api/v1/transactions/export?format=pdf');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('format');
    const bad = await get('/api/v1/transactions/export?from=yesterday');
    expect(bad.status).toBe(400);
  });
});
