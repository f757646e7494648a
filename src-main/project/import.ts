// Station list import from CSV or Excel (.xlsx): one row per station, checked row by row. Either every
// row is good and the result is a new project (the caller saves it as one new version), or nothing is
// applied and every bad row is reported (row number, column, what is wrong).
//
// The sheet: the first non-empty row is the header; column names are case-insensitive, cells are
// trimmed, empty cells mean "not given". Required columns: id, template, group, x, y (x and y may be
// left empty on a row). A row whose id is already a station of the project updates that station
// (only the cells given), otherwise it adds a station. See STATION_IMPORT_COLUMNS for every column.
import ExcelJS from 'exceljs';
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import {
  CONNECTOR_TYPES,
  type ConnectorSpec,
  type ConnectorType,
  type ProjectFileV2,
  type StationInstance,
  type StationOverrides,
  type StationTemplate,
} from '../../src-shared/project/index.ts';
import { validateV2 } from './validation.ts';

export interface StationImportColumn {
  name: string;
  /** 'header': the header must have it; 'new': a row adding a station must fill it. */
  required: 'header+new' | 'header' | 'no';
  description: string;
}

/** Every column the import understands, documented for the UI and the manual. */
export const STATION_IMPORT_COLUMNS: readonly StationImportColumn[] = [
  { name: 'id', required: 'header+new', description: 'Station id (charge point identity): 1 to 48 visible ASCII characters. An id already in the project updates that station.' },
  { name: 'template', required: 'header+new', description: 'Template id, from the project or the template library (a library template is copied into the project).' },
  { name: 'group', required: 'header+new', description: 'Electrical group id; it also decides the park (add a park column when two parks have a group of that id).' },
  { name: 'x', required: 'header', description: 'Ground-plan position, 0 to 100 (% of the plan width); give x and y together or neither.' },
  { name: 'y', required: 'header', description: 'Ground-plan position, 0 to 100 (% of the plan height).' },
  { name: 'park', required: 'no', description: 'Park id, to choose between groups of the same id in several parks.' },
  { name: 'name', required: 'no', description: 'Name shown to people.' },
  { name: 'protocol', required: 'no', description: 'ocpp1.6 or ocpp2.0.1 (also 1.6, 2.0.1, OCPP 1.6J); empty = the template\'s.' },
  { name: 'password', required: 'no', description: 'Basic-auth password (security profiles 1 and 2), 8 to 64 characters.' },
  { name: 'securityProfile', required: 'no', description: 'Override: 0, 1, 2 or 3.' },
  { name: 'maxPowerW', required: 'no', description: 'Override: maximum power per connector, W.' },
  { name: 'supplyMaxPowerW', required: 'no', description: 'Override: power shared by all connectors, W.' },
  { name: 'connectors', required: 'no', description: 'Override: a number of connectors (1 to 32, types copied from the template) or a list of types separated by | or ; (e.g. CCS2|CHAdeMO).' },
  { name: 'kind', required: 'no', description: 'Override: AC or DC.' },
  { name: 'phases', required: 'no', description: 'Override: 1 or 3.' },
  { name: 'maxCurrentA', required: 'no', description: 'Override: AC current per connector and phase, A.' },
  { name: 'efficiency', required: 'no', description: 'Override: DC efficiency, more than 0 and at most 1.' },
  { name: 'vendor', required: 'no', description: 'Override: vendor name.' },
  { name: 'model', required: 'no', description: 'Override: model name.' },
  { name: 'symbol', required: 'no', description: 'Override: ground-plan symbol id.' },
  { name: 'config:<Key>', required: 'no', description: 'Override of one configuration key, e.g. config:HeartbeatInterval or config:OCPPCommCtrlr.HeartbeatInterval.' },
];

export interface ImportRowError {
  /** Row number in the sheet (1 = first line of the file); null for a problem of the whole project. */
  row: number | null;
  /** Column name as written in the header; null when the problem is the whole row. */
  column: string | null;
  /** The cell's text, when a cell is at fault. */
  value?: string;
  message: string;
}

export interface StationTable {
  /** Row number of the header. */
  headerRow: number;
  header: string[];
  /** Non-empty rows after the header, with their row numbers in the sheet. */
  rows: { row: number; cells: string[] }[];
}

export type StationImportResult =
  | { ok: true; project: ProjectFileV2; added: string[]; updated: string[]; rows: number; skipped?: ImportRowError[] }
  | { ok: false; errors: ImportRowError[]; rows: number };

export interface StationImportOptions {
  /** Templates a row may name besides the project's (copied into the project when used). */
  library?: readonly StationTemplate[];
  /** What a row does whose id is already a station of the project: update it (default) or fail. */
  onExisting?: 'update' | 'error';
  /** Import the good rows and leave out the bad ones (listed in `skipped`); a bad header still refuses the whole list. */
  skipBadRows?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Reading CSV and XLSX into a table

function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === candidate) count++;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function toTable(records: { row: number; cells: string[] }[]): StationTable {
  const filled = records.map((r) => ({ row: r.row, cells: r.cells.map((c) => c.trim()) })).filter((r) => r.cells.some((c) => c !== ''));
  const [header, ...rows] = filled;
  if (!header) return { headerRow: 1, header: [], rows: [] };
  return { headerRow: header.row, header: header.cells, rows };
}

/**
 * CSV as written by Excel or LibreOffice (RFC 4180 quoting; "," ";" or tab, guessed from the first
 * line; UTF-8 with or without BOM). Row numbers count records, as a spreadsheet shows them.
 */
export function parseCsv(text: string): StationTable {
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const delimiter = detectDelimiter(source.split(/\r\n|\n|\r/, 1)[0] ?? '');
  const records: { row: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let row = 1;
  const endRecord = (): void => {
    cells.push(cell);
    records.push({ row, cells });
    row++;
    cells = [];
    cell = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRecord();
    } else cell += ch;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return toTable(records);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return String(value.error);
  }
  return String(value as unknown as string);
}

/** The first worksheet of an .xlsx file (or the one named "stations"); row numbers are the sheet's. */
export async function readXlsx(bytes: Uint8Array): Promise<StationTable> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets.find((w) => w.name.trim().toLowerCase() === 'stations') ?? workbook.worksheets[0];
  if (!sheet) return { headerRow: 1, header: [], rows: [] };
  const records: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    records.push({ row: rowNumber, cells });
  });
  return toTable(records);
}

/** True for the bytes of a ZIP container (an .xlsx file). */
export function isXlsx(content: string | Uint8Array): content is Uint8Array {
  return typeof content !== 'string' && content.length >= 4 && content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04;
}

// ---------------------------------------------------------------------------------------------
// Checking and applying the rows

const ID_RULE = /^[\x21-\x7e]{1,48}$/;
const KNOWN = STATION_IMPORT_COLUMNS.filter((c) => !c.name.includes('<')).map((c) => c.name);
const REQUIRED_HEADER = STATION_IMPORT_COLUMNS.filter((c) => c.required !== 'no').map((c) => c.name);
const CONFIG_PREFIX = 'config:';

type ColumnKey = { kind: 'field'; name: string } | { kind: 'config'; key: string };

function parseNumber(text: string): number | null {
  const normalised = /^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(normalised)) return null;
  const value = Number(normalised);
  return Number.isFinite(value) ? value : null;
}

function parseProtocol(text: string): OcppProtocol | null {
  const t = text.toLowerCase().replace(/\s+/g, '').replace(/^ocpp/, '').replace(/-?j$/, '');
  if (t === '1.6') return 'ocpp1.6';
  if (t === '2.0.1') return 'ocpp2.0.1';
  return null;
}

function connectorType(text: string): ConnectorType | null {
  return CONNECTOR_TYPES.find((t) => t.toLowerCase() === text.toLowerCase()) ?? null;
}

interface Place {
  site: number;
  park: number;
}

/** Checks every row and, when all are good, returns the new project (the input is never changed). */
export function applyStationTable(project: ProjectFileV2, table: StationTable, options: StationImportOptions = {}): StationImportResult {
  const errors: ImportRowError[] = [];
  const rowsCount = table.rows.length;

  // Header
  const columns: (ColumnKey | null)[] = [];
  const seenColumns = new Map<string, string>();
  for (const name of table.header) {
    const lower = name.toLowerCase();
    let key: ColumnKey | null = null;
    if (lower.startsWith(CONFIG_PREFIX) && name.length > CONFIG_PREFIX.length) key = { kind: 'config', key: name.slice(CONFIG_PREFIX.length).trim() };
    else {
      const known = KNOWN.find((k) => k.toLowerCase() === lower);
      if (known) key = { kind: 'field', name: known };
    }
    if (name === '') errors.push({ row: table.headerRow, column: null, message: 'a column has no name in the header' });
    else if (!key) errors.push({ row: table.headerRow, column: name, message: `is not a known column (known: ${KNOWN.join(', ')}, config:<Key>)` });
    else {
      const id = key.kind === 'field' ? key.name : `${CONFIG_PREFIX}${key.key}`;
      if (seenColumns.has(id)) errors.push({ row: table.headerRow, column: name, message: 'appears twice in the header' });
      seenColumns.set(id, name);
    }
    columns.push(key);
  }
  for (const required of REQUIRED_HEADER) {
    if (!seenColumns.has(required)) {
      errors.push({ row: table.headerRow, column: required, message: `is missing from the header (required columns: ${REQUIRED_HEADER.join(', ')})` });
    }
  }
  if (errors.length > 0) return { ok: false, errors, rows: rowsCount };

  // What the rows may refer to
  const templates = new Map(project.templates.map((t) => [t.id, t]));
  const library = new Map((options.library ?? []).map((t) => [t.id, t]));
  const parks = new Map<string, Place>();
  const groupPlaces = new Map<string, Place[]>();
  const existing = new Map<string, Place & { index: number }>();
  project.sites.forEach((site, si) =>
    site.parks.forEach((park, pi) => {
      parks.set(park.id, { site: si, park: pi });
      for (const g of park.groups) groupPlaces.set(g.id, [...(groupPlaces.get(g.id) ?? []), { site: si, park: pi }]);
      park.stations.forEach((s, index) => existing.set(s.id, { site: si, park: pi, index }));
    }),
  );
  const parkOf = (place: Place): { id: string; groups: { id: string }[] } => {
    const park = project.sites[place.site]?.parks[place.park];
    if (!park) throw new Error('park index out of range');
    return park;
  };

  const firstRowOf = new Map<string, number>();
  const results: { row: number; station: StationInstance; place: Place; update: boolean }[] = [];
  const usedLibrary = new Map<string, StationTemplate>();

  for (const { row, cells } of table.rows) {
    const rowErrors: ImportRowError[] = [];
    const fail = (column: string | null, message: string, value?: string): void => {
      rowErrors.push({ row, column, ...(value !== undefined ? { value } : {}), message });
    };
    const get = (name: string): string => {
      const index = columns.findIndex((c) => c?.kind === 'field' && c.name === name);
      return index < 0 ? '' : (cells[index] ?? '');
    };
    const header = (name: string): string => seenColumns.get(name) ?? name;
    cells.forEach((value, i) => {
      if (i >= columns.length && value !== '') fail(`column ${i + 1}`, 'has a value but no column name in the header', value);
    });

    const id = get('id');
    let previous: (Place & { index: number }) | undefined;
    if (id === '') fail(header('id'), 'is required');
    else if (!ID_RULE.test(id)) fail(header('id'), 'is not a valid station id (1 to 48 visible ASCII characters, without spaces)', id);
    else {
      const first = firstRowOf.get(id);
      if (first !== undefined) fail(header('id'), `"${id}" is also on row ${first}`, id);
      else firstRowOf.set(id, row);
      previous = existing.get(id);
      if (previous && options.onExisting === 'error') fail(header('id'), `"${id}" is already a station of the project`, id);
    }
    const isNew = previous === undefined;
    const before: StationInstance | undefined = previous
      ? project.sites[previous.site]?.parks[previous.park]?.stations[previous.index]
      : undefined;
    const station: StationInstance = before ? structuredClone(before) : { id, template: '', group: '' };
    const overrides: StationOverrides = structuredClone(station.overrides ?? {});

    // Template
    const templateId = get('template');
    let template: StationTemplate | undefined = templates.get(station.template);
    if (templateId !== '') {
      template = templates.get(templateId) ?? library.get(templateId);
      if (!template) fail(header('template'), `"${templateId}" is not a template of the project or of the library`, templateId);
      else {
        station.template = template.id;
        if (!templates.has(template.id)) usedLibrary.set(template.id, template);
      }
    } else if (isNew) fail(header('template'), 'is required for a new station');

    // Group and park
    const groupId = get('group');
    const parkId = get('park');
    let place: Place | undefined = previous ? { site: previous.site, park: previous.park } : undefined;
    let parkPlace: Place | undefined;
    if (parkId !== '') {
      parkPlace = parks.get(parkId);
      if (!parkPlace) fail(header('park'), `"${parkId}" is not a park of the project`, parkId);
    }
    if (groupId !== '') {
      const candidates = (groupPlaces.get(groupId) ?? []).filter((p) => !parkPlace || (p.site === parkPlace.site && p.park === parkPlace.park));
      if (candidates.length === 0) {
        if (parkId === '' || parkPlace) {
          fail(header('group'), parkPlace ? `"${groupId}" is not a group of park ${parkId}` : `"${groupId}" is not an electrical group of the project`, groupId);
        }
      } else if (candidates.length > 1) {
        const names = candidates.map((p) => `"${parkOf(p).id}"`).join(', ');
        fail(header('group'), `"${groupId}" is a group of several parks (${names}): add a park column`, groupId);
      } else {
        station.group = groupId;
        place = candidates[0];
      }
    } else if (isNew) fail(header('group'), 'is required for a new station');
    else if (parkPlace) fail(header('group'), 'is required to move the station to another park');

    // Position
    const xText = get('x');
    const yText = get('y');
    if (xText !== '' || yText !== '') {
      const coordinate = (name: 'x' | 'y', text: string): number | null => {
        if (text === '') {
          fail(header(name), `is required when ${name === 'x' ? 'y' : 'x'} is given`);
          return null;
        }
        const value = parseNumber(text);
        if (value === null || value < 0 || value > 100) {
          fail(header(name), 'must be a number from 0 to 100 (% of the plan)', text);
          return null;
        }
        return value;
      };
      const x = coordinate('x', xText);
      const y = coordinate('y', yText);
      if (x !== null && y !== null) station.position = { x, y };
    }

    // Instance fields
    const name = get('name');
    if (name !== '') {
      if (name.length > 200) fail(header('name'), 'must be at most 200 characters long', name);
      else station.name = name;
    }
    const protocolText = get('protocol');
    if (protocolText !== '') {
      const protocol = parseProtocol(protocolText);
      if (!protocol) fail(header('protocol'), 'must be ocpp1.6 or ocpp2.0.1', protocolText);
      else station.protocol = protocol;
    }
    const password = get('password');
    if (password !== '') {
      if (password.length < 8 || password.length > 64) fail(header('password'), `must be 8 to 64 characters long (it has ${password.length})`);
      else station.password = password;
    }

    // Overrides
    const numberField = (field: 'maxPowerW' | 'supplyMaxPowerW' | 'maxCurrentA' | 'efficiency', check: (v: number) => string | null): void => {
      const text = get(field);
      if (text === '') return;
      const value = parseNumber(text);
      const problem = value === null ? 'must be a number' : check(value);
      if (problem !== null || value === null) fail(header(field), problem ?? 'must be a number', text);
      else overrides[field] = value;
    };
    const positive = (v: number): string | null => (v > 0 ? null : 'must be more than 0');
    numberField('maxPowerW', positive);
    numberField('supplyMaxPowerW', positive);
    numberField('maxCurrentA', positive);
    numberField('efficiency', (v) => (v > 0 && v <= 1 ? null : 'must be more than 0 and at most 1'));
    const choice = <T extends string | number>(field: 'kind' | 'phases' | 'securityProfile', allowed: readonly T[], apply: (v: T) => void): void => {
      const text = get(field);
      if (text === '') return;
      const value = allowed.find((a) => String(a).toLowerCase() === text.toLowerCase());
      if (value === undefined) fail(header(field), `must be one of ${allowed.join(', ')}`, text);
      else apply(value);
    };
    choice('kind', ['AC', 'DC'] as const, (v) => (overrides.kind = v));
    choice('phases', [1, 3] as const, (v) => (overrides.phases = v));
    choice('securityProfile', [0, 1, 2, 3] as const, (v) => (overrides.securityProfile = v));
    for (const field of ['vendor', 'model'] as const) {
      const text = get(field);
      if (text === '') continue;
      if (text.length > 200) fail(header(field), 'must be at most 200 characters long', text);
      else overrides[field] = text;
    }
    const symbol = get('symbol');
    if (symbol !== '') {
      if (!ID_RULE.test(symbol)) fail(header('symbol'), 'is not a valid symbol id', symbol);
      else overrides.symbol = symbol;
    }
    const connectorsText = get('connectors');
    if (connectorsText !== '') {
      if (/^\d+$/.test(connectorsText)) {
        const count = Number(connectorsText);
        if (count < 1 || count > 32) fail(header('connectors'), 'must be from 1 to 32', connectorsText);
        else {
          const base: ConnectorSpec[] = template?.connectors ?? [{}];
          overrides.connectors = Array.from({ length: count }, (_, i) => structuredClone(base[Math.min(i, base.length - 1)] ?? {}));
        }
      } else {
        const parts = connectorsText.split(/[|;]/).map((p) => p.trim());
        const types = parts.map(connectorType);
        const bad = parts.filter((_, i) => types[i] === null);
        if (bad.length > 0 || parts.length > 32) {
          fail(header('connectors'), `must be a number or a list of connector types separated by | (known types: ${CONNECTOR_TYPES.join(', ')})`, connectorsText);
        } else overrides.connectors = types.map((type) => (type ? { type } : {}));
      }
    }
    columns.forEach((column, i) => {
      if (column?.kind !== 'config') return;
      const value = cells[i] ?? '';
      if (value === '') return;
      if (column.key.length > 50) fail(table.header[i] ?? column.key, 'names a configuration key longer than 50 characters');
      else if (value.length > 500) fail(table.header[i] ?? column.key, 'must be at most 500 characters long', value);
      else overrides.configuration = { ...(overrides.configuration ?? {}), [column.key]: value };
    });
    if (Object.keys(overrides).length > 0) station.overrides = overrides;

    if (rowErrors.length > 0) errors.push(...rowErrors);
    else if (place) results.push({ row, station, place, update: !isNew });
  }
  if (errors.length > 0) return { ok: false, errors, rows: rowsCount };

  // Apply to a copy
  const next: ProjectFileV2 = structuredClone(project);
  next.templates.push(...[...usedLibrary.values()].map((t) => structuredClone(t)));
  const rowOf = new Map<string, number>();
  // An updated station keeps its place when it stays in its park; a moved or new one goes last in its park.
  for (const result of results) {
    rowOf.set(result.station.id, result.row);
    const park = next.sites[result.place.site]?.parks[result.place.park];
    if (!park) continue;
    const old = existing.get(result.station.id);
    if (old && old.site === result.place.site && old.park === result.place.park) {
      const index = park.stations.findIndex((s) => s.id === result.station.id);
      park.stations[index] = result.station;
      continue;
    }
    if (old) {
      const oldPark = next.sites[old.site]?.parks[old.park];
      if (oldPark) oldPark.stations = oldPark.stations.filter((s) => s.id !== result.station.id);
    }
    park.stations.push(result.station);
  }
  const problems = validateV2(next);
  if (problems.length > 0) {
    const stationAt = (pointer: string): string | undefined => {
      const m = /^\/sites\/(\d+)\/parks\/(\d+)\/stations\/(\d+)/.exec(pointer);
      return m ? next.sites[Number(m[1])]?.parks[Number(m[2])]?.stations[Number(m[3])]?.id : undefined;
    };
    return {
      ok: false,
      rows: rowsCount,
      errors: problems.map((p) => {
        const stationId = stationAt(p.pointer);
        const row = stationId !== undefined ? (rowOf.get(stationId) ?? null) : null;
        return { row, column: null, message: `${p.pointer} ${p.message}` };
      }),
    };
  }
  return {
    ok: true,
    project: next,
    added: results.filter((r) => !r.update).map((r) => r.station.id),
    updated: results.filter((r) => r.update).map((r) => r.station.id),
    rows: rowsCount,
  };
}

/** Reads CSV text or .xlsx bytes (detected from the content) and applies the rows. */
export async function importStations(project: ProjectFileV2, content: string | Uint8Array, options: StationImportOptions = {}): Promise<StationImportResult> {
  let table: StationTable;
  if (isXlsx(content)) {
    try {
      table = await readXlsx(content);
    } catch (error) {
      return { ok: false, rows: 0, errors: [{ row: null, column: null, message: `cannot read the Excel file: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  } else {
    table = parseCsv(typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content));
  }
  if (table.header.length === 0) return { ok: false, rows: 0, errors: [{ row: null, column: null, message: 'the file is empty: the first row must be the header (id,template,group,x,y)' }] };
  const result = applyStationTable(project, table, options);
  if (result.ok || !options.skipBadRows) return result;
  // Leave the bad rows out, unless a problem is not a row's (header, whole project).
  const bad = new Set(result.errors.map((e) => e.row));
  if (bad.has(null) || bad.has(table.headerRow)) return result;
  const good = applyStationTable(project, { ...table, rows: table.rows.filter((r) => !bad.has(r.row)) }, options);
  return good.ok ? { ...good, rows: table.rows.length, skipped: result.errors } : good;
}

/** "row 12, column group ("F9"): "F9" is not an electrical group of the project", one per line. */
export function formatImportErrors(errors: readonly ImportRowError[]): string {
  return errors
    .map((e) => {
      const where = [e.row !== null ? `row ${e.row}` : 'project', e.column !== null ? `column ${e.column}` : null].filter(Boolean).join(', ');
      return `${where}: ${e.message}`;
    })
    .join('\n');
}
