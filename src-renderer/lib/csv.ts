// CSV export that opens cleanly in Excel: UTF-8 BOM, CRLF, and the list separator and
// decimal mark of the operator's language (French Excel expects ';' and ',').
export type CsvCell = string | number | boolean | null | undefined;

export interface CsvDialect {
  separator: ',' | ';';
  decimal: '.' | ',';
}

export function csvDialect(language: string): CsvDialect {
  return language.startsWith('fr') ? { separator: ';', decimal: ',' } : { separator: ',', decimal: '.' };
}

function cell(value: CsvCell, dialect: CsvDialect): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    const text = String(value);
    return dialect.decimal === ',' ? text.replace('.', ',') : text;
  }
  let text = String(value);
  // Cells starting with a formula character would be executed by spreadsheets.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /["\n\r,;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], dialect: CsvDialect): string {
  const line = (cells: readonly CsvCell[]) => cells.map((c) => cell(c, dialect)).join(dialect.separator);
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}

/** `<base>-YYYYMMDD-HHMM.csv` in local time, so successive exports sort and do not overwrite. */
export function csvFileName(base: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${base}-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}.csv`;
}

export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the blob asynchronously after click().
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
