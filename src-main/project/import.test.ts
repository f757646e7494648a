// Station list import: CSV or .xlsx rows become stations of a new project, or nothing is applied and
// every bad row is reported with its row number, column and what is wrong.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ProjectFileV2 } from '../../src-shared/project/index.ts';
import {
  STATION_IMPORT_COLUMNS,
  checkProject,
  formatImportErrors,
  importStations,
  loadTemplateLibrary,
  parseCsv,
  type ImportRowError,
  type StationImportResult,
} from './index.ts';
import { smallProject } from './test-support.ts';

const library = loadTemplateLibrary();

function ok(result: StationImportResult): { project: ProjectFileV2; added: string[]; updated: string[] } {
  if (!result.ok) throw new Error(`import refused:\n${formatImportErrors(result.errors)}`);
  return result;
}

function errors(result: StationImportResult): ImportRowError[] {
  if (result.ok) throw new Error('import was accepted');
  return result.errors;
}

describe('parseCsv', () => {
  it('reads quoted cells, doubled quotes, CRLF, a BOM, and skips empty lines keeping row numbers', () => {
    const table = parseCsv('\ufeffid,name\r\n"A,1","say ""hi"""\r\n\r\nB,"two\nlines"\n');
    expect(table.headerRow).toBe(1);
    expect(table.header).toEqual(['id', 'name']);
    expect(table.rows).toEqual([
      { row: 2, cells: ['A,1', 'say "hi"'] },
      { row: 4, cells: ['B', 'two\nlines'] },
    ]);
  });

  it('guesses ";" and tab delimiters from the header line', () => {
    expect(parseCsv('id;template\nA;t').rows[0]?.cells).toEqual(['A', 't']);
    expect(parseCsv('id\ttemplate\nA\tt').rows[0]?.cells).toEqual(['A', 't']);
  });
});

describe('importStations from CSV', () => {
  it('adds stations to the park of their group, with position, protocol, password and overrides', async () => {
    const csv = [
      'id,template,group,x,y,protocol,password,maxPowerW,connectors,config:HeartbeatInterval,name',
      'CP10,t-ac22,f1,20,30,OCPP 1.6J,secret-pass-10,11000,Type2|Domestic,120,Bay 10',
      'CP11,t-ac22,f2,,,2.0.1,,,3,,',
    ].join('\n');
    const project = smallProject();
    const result = ok(await importStations(project, csv));
    expect(result.added).toEqual(['CP10', 'CP11']);
    const resolved = checkProject(result.project);
    const cp10 = resolved.stations.find((s) => s.id === 'CP10');
    expect(cp10).toMatchObject({ park: 'p1', group: 'f1', position: { x: 20, y: 30 }, protocol: 'ocpp1.6', password: 'secret-pass-10', maxPowerW: 11_000, name: 'Bay 10' });
    expect(cp10?.connectors.map((c) => c.type)).toEqual(['Type2', 'Domestic']);
    expect(cp10?.configuration).toEqual({ HeartbeatInterval: '120', MeterValueSampleInterval: '60' });
    const cp11 = resolved.stations.find((s) => s.id === 'CP11');
    expect(cp11).toMatchObject({ park: 'p2', protocol: 'ocpp2.0.1' });
    expect(cp11?.position).toBeUndefined();
    expect(cp11?.connectors.map((c) => c.type)).toEqual(['Type2', 'Type2', 'Type2']);
    // The input project is untouched.
    expect(project).toEqual(smallProject());
  });

  it('updates a station already in the project with the cells given, keeping the others', async () => {
    const csv = 'ID;Template;Group;X;Y;maxPowerW\nCP1;;;12,5;40;7400\n';
    const result = ok(await importStations(smallProject(), csv));
    expect(result.updated).toEqual(['CP1']);
    const park = result.project.sites[0]?.parks[0];
    expect(park?.stations[0]).toEqual({ id: 'CP1', template: 't-ac22', group: 'f1', password: 'password-1', position: { x: 12.5, y: 40 }, overrides: { maxPowerW: 7_400 } });
    expect(park?.stations.map((s) => s.id)).toEqual(['CP1', 'CP2']);
  });

  it('moves a station to another park when its group is in another park', async () => {
    const result = ok(await importStations(smallProject(), 'id,template,group,x,y\nCP1,,f2,,\n'));
    expect(result.project.sites[0]?.parks.map((p) => p.stations.map((s) => s.id))).toEqual([['CP2'], ['CP3', 'CP1']]);
  });

  it('copies a library template a row names into the project', async () => {
    const result = ok(await importStations(smallProject(), 'id,template,group,x,y\nHPC1,dc-350kw,f1,50,50\n', { library }));
    expect(result.project.templates.map((t) => t.id)).toEqual(['t-ac22', 'dc-350kw']);
    expect(checkProject(result.project).stations.find((s) => s.id === 'HPC1')?.maxPowerW).toBe(350_000);
  });

  it('reports every bad row and cell, and applies nothing', async () => {
    const csv = [
      'id,template,group,x,y,protocol,password,phases',
      'OK1,t-ac22,f1,1,1,,,',
      'BAD 1,t-ac22,f1,1,1,,,', // row 3: id with a space
      'OK2,nope,f1,1,1,,,', // row 4: unknown template
      'OK3,t-ac22,f9,1,101,,,', // row 5: unknown group and y out of range
      'OK1,t-ac22,f1,,2,ocpp3,short,2', // row 6: duplicate id, y without x, protocol, password, phases
      'OK4,,,,,,,', // row 7: template and group required for a new station
    ].join('\n');
    const project = smallProject();
    const result = await importStations(project, csv);
    const list = errors(result);
    expect(list.map((e) => [e.row, e.column])).toEqual([
      [3, 'id'],
      [4, 'template'],
      [5, 'group'],
      [5, 'y'],
      [6, 'id'],
      [6, 'x'],
      [6, 'protocol'],
      [6, 'password'],
      [6, 'phases'],
      [7, 'template'],
      [7, 'group'],
    ]);
    expect(list.find((e) => e.row === 6 && e.column === 'id')?.message).toBe('"OK1" is also on row 2');
    expect(list.find((e) => e.row === 5 && e.column === 'group')).toEqual({ row: 5, column: 'group', value: 'f9', message: '"f9" is not an electrical group of the project' });
    expect(list.find((e) => e.column === 'password')?.message).toBe('must be 8 to 64 characters long (it has 5)');
    expect(formatImportErrors(list)).toContain('row 4, column template: "nope" is not a template of the project or of the library');
    expect(project).toEqual(smallProject());
  });

  it('reports header problems on the header row: unknown, repeated and missing columns', async () => {
    const list = errors(await importStations(smallProject(), 'id,template,group,x,pasword,ID\nA,t-ac22,f1,1,x,A\n'));
    expect(list).toEqual([
      { row: 1, column: 'pasword', message: expect.stringMatching(/^is not a known column \(known: id, template, group, x, y, park/) as unknown as string },
      { row: 1, column: 'ID', message: 'appears twice in the header' },
      { row: 1, column: 'y', message: 'is missing from the header (required columns: id, template, group, x, y)' },
    ]);
  });

  it('asks for a park column when a group id exists in parks of two sites', async () => {
    const project = smallProject();
    project.sites.push({ id: 's2', name: 'Site 2', parks: [{ id: 'p3', name: 'Park 3', groups: [{ id: 'f1', name: 'Feeder 1', maxPowerW: 10_000 }], stations: [] }] });
    const list = errors(await importStations(project, 'id,template,group,x,y\nN1,t-ac22,f1,,\n'));
    expect(list[0]?.message).toBe('"f1" is a group of several parks ("p1", "p3"): add a park column');
    const result = ok(await importStations(project, 'id,template,group,x,y,park\nN1,t-ac22,f1,,,p3\n'));
    expect(result.project.sites[1]?.parks[0]?.stations.map((s) => s.id)).toEqual(['N1']);
  });

  it('refuses updates when asked to only add', async () => {
    const list = errors(await importStations(smallProject(), 'id,template,group,x,y\nCP2,,,,\n', { onExisting: 'error' }));
    expect(list).toEqual([{ row: 2, column: 'id', value: 'CP2', message: '"CP2" is already a station of the project' }]);
  });

  it('refuses an empty file', async () => {
    expect(errors(await importStations(smallProject(), '\n\n'))[0]?.message).toMatch(/the file is empty/);
  });

  it('documents every column it reads', () => {
    expect(STATION_IMPORT_COLUMNS.filter((c) => c.required !== 'no').map((c) => c.name)).toEqual(['id', 'template', 'group', 'x', 'y']);
    for (const c of STATION_IMPORT_COLUMNS) expect(c.description.length).toBeGreaterThan(10);
  });
});

describe('importStations from Excel', () => {
  async function workbook(rows: (string | number | null)[][]): Promise<Uint8Array> {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Stations');
    for (const row of rows) sheet.addRow(row);
    return new Uint8Array(await book.xlsx.writeBuffer());
  }

  it('imports 200 rows, and with 3 bad rows names exactly those rows and applies nothing', async () => {
    const header = ['id', 'template', 'group', 'x', 'y', 'protocol'];
    const good = Array.from({ length: 200 }, (_, i) => [`X-CP${String(i + 1).padStart(3, '0')}`, 'ac-22kw-wallbox', i % 2 === 0 ? 'f1' : 'f2', (i % 20) * 5, Math.floor(i / 20) * 10, 'ocpp2.0.1']);
    const project = smallProject();

    const fine = ok(await importStations(project, await workbook([header, ...good]), { library }));
    expect(fine.added).toHaveLength(200);
    expect(checkProject(fine.project).stations).toHaveLength(203);

    const rows = structuredClone(good);
    // Sheet rows are 1-based and the header is row 1: data row i sits on sheet row i + 2.
    rows[16]![1] = 'ac-23kw-wallbox'; // sheet row 18: unknown template
    rows[75]![3] = 140; // sheet row 77: x outside the plan
    rows[148]![0] = rows[18]![0]!; // sheet row 150: the id of sheet row 20
    const result = await importStations(project, await workbook([header, ...rows]), { library });
    const list = errors(result);
    expect([...new Set(list.map((e) => e.row))]).toEqual([18, 77, 150]);
    expect(list).toEqual([
      { row: 18, column: 'template', value: 'ac-23kw-wallbox', message: '"ac-23kw-wallbox" is not a template of the project or of the library' },
      { row: 77, column: 'x', value: '140', message: 'must be a number from 0 to 100 (% of the plan)' },
      { row: 150, column: 'id', value: 'X-CP019', message: '"X-CP019" is also on row 20' },
    ]);
    expect(project).toEqual(smallProject());
  });

  it('reads formula results and rich text cells as their text', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('other');
    sheet.addRow(['id', 'template', 'group', 'x', 'y']);
    const row = sheet.addRow([null, 't-ac22', 'f1', null, 10]);
    row.getCell(1).value = { richText: [{ text: 'RT-' }, { text: '1' }] };
    row.getCell(4).value = { formula: '2*5', result: 10 };
    const result = ok(await importStations(smallProject(), new Uint8Array(await book.xlsx.writeBuffer())));
    expect(result.project.sites[0]?.parks[0]?.stations.at(-1)).toEqual({ id: 'RT-1', template: 't-ac22', group: 'f1', position: { x: 10, y: 10 } });
  });

  it('says when the bytes are not a readable Excel file', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect(errors(await importStations(smallProject(), bytes))[0]?.message).toMatch(/^cannot read the Excel file/);
  });
});

describe('importStations with skipBadRows', () => {
  it('imports the good rows and lists the bad ones (unknown template, duplicate id, bad coordinates)', async () => {
    const csv = [
      'id,template,group,x,y',
      'N1,ac-22kw-wallbox,f1,10,10',
      'N2,no-such-template,f1,20,10',
      'N3,ac-22kw-wallbox,f1,30,10',
      'N3,ac-22kw-wallbox,f1,40,10',
      'N4,ac-22kw-wallbox,f1,150,10',
      'N5,ac-22kw-wallbox,f2,50,10',
    ].join('\n');
    const result = await importStations(smallProject(), csv, { library, skipBadRows: true });
    const done = ok(result);
    expect(done.added).toEqual(['N1', 'N3', 'N5']);
    expect(result.ok && result.skipped?.map((e) => e.row)).toEqual([3, 5, 6]);
    // Without the option the same list changes nothing.
    expect(errors(await importStations(smallProject(), csv, { library })).map((e) => e.row)).toEqual([3, 5, 6]);
  });

  it('still refuses the whole list when the header is bad', async () => {
    const result = await importStations(smallProject(), 'id,template,grp,x,y\nN1,ac-22kw-wallbox,f1,10,10\n', { library, skipBadRows: true });
    expect(errors(result).some((e) => e.row === 1)).toBe(true);
  });
});
