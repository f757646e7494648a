// Station list import: pick a CSV or XLSX file, see every bad row (row, column, value, what is
// wrong) before anything changes, then import (the good rows only, when asked) as one new version.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StationImportCheck, StationImportRowError } from '../../../src-shared/api/index.ts';
import type { ProjectVersionInfo } from '../../../src-shared/project/index.ts';
import { Panel } from '../../components/Field.tsx';
import { Tile } from '../../components/Tile.tsx';
import { describeError } from '../../lib/errors.ts';
import type { Column } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { useProject } from '../../store/project.ts';
import { useMayUse } from '../../store/session.ts';
import { ProjectTable } from './ProjectTable.tsx';

interface PickedFile {
  name: string;
  format: 'csv' | 'xlsx';
  content: string;
}

function readFile(file: File): Promise<PickedFile> {
  const format = /\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv';
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.onload = () => {
      const result = String(reader.result ?? '');
      resolve({ name: file.name, format, content: format === 'xlsx' ? result.slice(result.indexOf(',') + 1) : result });
    };
    if (format === 'xlsx') reader.readAsDataURL(file);
    else reader.readAsText(file, 'utf-8');
  });
}

interface ErrorRow extends StationImportRowError {
  key: number;
}

export function ImportPanel() {
  const { t } = useTranslation();
  const mayImport = useMayUse('importStations');
  const reload = useProject((s) => s.reload);
  const [file, setFile] = useState<PickedFile | null>(null);
  const [check, setCheck] = useState<StationImportCheck | null>(null);
  const [result, setResult] = useState<{ version: ProjectVersionInfo; added: string[]; updated: string[]; skipped: StationImportRowError[] } | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const pick = async (picked: File | undefined) => {
    setCheck(null);
    setResult(null);
    setError(null);
    if (!picked) return;
    setBusy('checking');
    try {
      const f = await readFile(picked);
      setFile(f);
      setCheck(await api().call('checkStationImport', { format: f.format, content: f.content }));
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  const run = async (skipBadRows: boolean) => {
    if (!file) return;
    setBusy('importing');
    try {
      setResult(await api().call('importStations', { format: file.format, content: file.content, skipBadRows }));
      setCheck(null);
      await reload();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  const badRows = check ? new Set(check.errors.map((e) => e.row)) : new Set<number | null>();
  // A bad header (row 1) or a problem of the whole list refuses it all, whatever the option.
  const wholeList = badRows.has(null) || badRows.has(1);
  const goodRows = check ? check.rows - [...badRows].filter((r) => r !== null).length : 0;
  const rows = useMemo<ErrorRow[]>(() => [...(check?.errors ?? result?.skipped ?? [])].map((e, i) => ({ ...e, key: i })), [check, result]);
  const columns = useMemo<Column<ErrorRow>[]>(
    () => [
      { id: 'row', label: t('project.import.row'), width: '5rem', align: 'end', sortValue: (e) => e.row, render: (e) => <span className="num">{e.row ?? '—'}</span> },
      { id: 'column', label: t('project.import.column'), width: '9rem', sortValue: (e) => e.column, render: (e) => <span className="mono">{e.column ?? '—'}</span> },
      { id: 'value', label: t('project.import.value'), width: '12rem', sortValue: (e) => e.value, render: (e) => <span className="mono">{e.value ?? ''}</span> },
      { id: 'message', label: t('project.import.problem'), sortValue: (e) => e.message, render: (e) => <span className="wrap-anywhere">{e.message}</span> },
    ],
    [t],
  );

  return (
    <Panel title={t('project.import.title')} testId="import-panel">
      <p className="hint">{t('project.import.hint')}</p>
      {mayImport ? (
        <div className="toolbar">
          <label className="button" data-testid="import-pick-label">
            {t('project.import.pick')}
            <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" className="project-file-input" onChange={(e) => void pick(e.target.files?.[0])} data-testid="import-file" />
          </label>
          {file ? <span className="mono" data-testid="import-file-name">{file.name}</span> : null}
          {busy ? <span className="muted" data-testid="import-busy">{t(`project.import.${busy}`)}</span> : null}
        </div>
      ) : (
        <p className="notice">{t('project.readOnly')}</p>
      )}
      {error ? <p className="notice tone-fault" data-testid="import-error">{error}</p> : null}
      {check ? (
        <div className="project-stack">
          <div className="tiles">
            <Tile label={t('project.import.rows')} value={<span data-testid="import-rows">{check.rows}</span>} />
            <Tile label={t('project.import.badRows')} value={<span data-testid="import-bad-rows">{[...badRows].filter((r) => r !== null).length}</span>} tone={check.ok ? 'ok' : 'fault'} />
            {check.ok ? <Tile label={t('project.import.toAdd')} value={<span data-testid="import-to-add">{check.added.length}</span>} sub={t('project.import.toUpdate', { count: check.updated.length })} tone="info" /> : null}
          </div>
          {check.ok ? (
            <div className="toolbar">
              <p className="notice">{t('project.import.allGood', { count: check.rows })}</p>
              <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void run(false)} data-testid="import-run">
                {t('project.import.run', { count: check.rows })}
              </button>
            </div>
          ) : (
            <>
              <p className="notice tone-fault" data-testid="import-refused">{t('project.import.refused', { count: badRows.size })}</p>
              {!wholeList && goodRows > 0 ? (
                <div className="toolbar">
                  <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void run(true)} data-testid="import-run-good">
                    {t('project.import.runGood', { count: goodRows, bad: badRows.size })}
                  </button>
                </div>
              ) : null}
              <ProjectTable columns={columns} rows={rows} rowKey={(e) => e.key} label={t('project.import.errors')} csvBase={t('project.import.csvFile')} testId="import-errors" empty="" initialSort={{ columnId: 'row', direction: 'asc' }} rowAttributes={(e) => ({ 'data-row': String(e.row ?? ''), 'data-column': e.column ?? '' })} />
            </>
          )}
        </div>
      ) : null}
      {result ? (
        <div className="project-stack" data-testid="import-result" data-version={result.version.id}>
          <p className="notice">{t('project.import.done', { id: result.version.id, added: result.added.length, updated: result.updated.length, skipped: new Set(result.skipped.map((e) => e.row)).size })}</p>
          {result.skipped.length > 0 ? (
            <ProjectTable columns={columns} rows={rows} rowKey={(e) => e.key} label={t('project.import.skipped')} csvBase={t('project.import.csvFile')} testId="import-skipped" empty="" initialSort={{ columnId: 'row', direction: 'asc' }} rowAttributes={(e) => ({ 'data-row': String(e.row ?? '') })} />
          ) : null}
        </div>
      ) : null}
    </Panel>
  );
}
