// The station's configuration as a table: key, value, read-only flag. Writable values are edited
// in place; the change goes to the station (changeConfiguration → ChangeConfiguration in 1.6,
// SetVariables in 2.0.1) and the station's own answer (Accepted, RebootRequired, Rejected,
// NotSupported...) is shown on the row.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandResult, ConfigurationEntry, StationState } from '../../../src-shared/domain/index.ts';
import { DataTable, useSortedRows } from '../../components/DataTable.tsx';
import { Panel } from '../../components/Field.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { csvDialect, csvFileName, downloadText } from '../../lib/csv.ts';
import { describeError } from '../../lib/errors.ts';
import { DASH } from '../../lib/format.ts';
import { useLinkOpen } from '../../lib/hooks.ts';
import { outcomeTone } from '../../lib/status.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { useMayUse } from '../../store/session.ts';

type Answer = { outcome: CommandResult['outcome']; status: string; detail: string | null } | 'sending';

const KNOWN_STATUSES = ['Accepted', 'RebootRequired', 'Rejected', 'NotSupported', 'UnknownComponent', 'UnknownVariable'] as const;

function ValueEditor(props: { entry: ConfigurationEntry; disabled: boolean; onSend: (value: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(props.entry.value ?? '');
  const key = props.entry.key;
  return (
    <form
      className="config-edit"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSend(value);
      }}
    >
      <input value={value} onChange={(e) => setValue(e.target.value)} maxLength={500} autoFocus spellCheck={false} data-testid={`config-input-${key}`} aria-label={key} />
      <button type="submit" className="button button-small button-primary" disabled={props.disabled} data-testid={`config-send-${key}`}>
        {t('stationPage.config.send')}
      </button>
      <button type="button" className="button button-small" onClick={props.onCancel}>
        {t('stationPage.config.cancel')}
      </button>
    </form>
  );
}

export function ConfigurationPanel(props: { station: StationState; entries: ConfigurationEntry[] | null; onEntries: (entries: ConfigurationEntry[]) => void }) {
  const { t, i18n } = useTranslation();
  const { station, entries, onEntries } = props;
  const linkOpen = useLinkOpen();
  const mayRead = useMayUse('sendCommand', { stationId: station.id, command: { kind: 'getConfiguration' } });
  const mayChange = useMayUse('sendCommand', { stationId: station.id, command: { kind: 'changeConfiguration' } });
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState | null>({ columnId: 'key', direction: 'asc' });
  const offline = !station.connected || !linkOpen;

  const read = async () => {
    setReading(true);
    setReadError(null);
    try {
      const result = await api().call('sendCommand', { stationId: station.id, command: { kind: 'getConfiguration' } });
      if (result.configuration) onEntries(result.configuration);
      else setReadError(`${result.status}${result.detail ? ` · ${result.detail}` : ''}`);
    } catch (error) {
      setReadError(describeError(error, t));
    } finally {
      setReading(false);
    }
  };

  const change = async (entry: ConfigurationEntry, value: string) => {
    setAnswers((a) => ({ ...a, [entry.key]: 'sending' }));
    try {
      const result = await api().call('sendCommand', { stationId: station.id, command: { kind: 'changeConfiguration', key: entry.key, value } });
      setAnswers((a) => ({ ...a, [entry.key]: { outcome: result.outcome, status: result.status, detail: result.detail } }));
      if (result.status === 'Accepted' || result.status === 'RebootRequired') {
        onEntries((entries ?? []).map((e) => (e.key === entry.key ? { ...e, value } : e)));
      }
      setEditing(null);
    } catch (error) {
      setAnswers((a) => ({ ...a, [entry.key]: { outcome: 'error', status: 'Error', detail: describeError(error, t) } }));
    }
  };

  const statusLabel = (status: string) =>
    (KNOWN_STATUSES as readonly string[]).includes(status) ? t(`stationPage.config.statuses.${status as (typeof KNOWN_STATUSES)[number]}`) : t('stationPage.config.statuses.other', { status });

  const columns: Column<ConfigurationEntry>[] = [
    { id: 'key', label: t('stationPage.config.key'), width: '32%', sortValue: (e) => e.key, render: (e) => <span className="mono wrap-anywhere">{e.key}</span> },
    {
      id: 'value',
      label: t('stationPage.config.value'),
      className: 'config-value-cell',
      sortValue: (e) => e.value,
      render: (e) =>
        editing === e.key ? (
          <ValueEditor entry={e} disabled={offline || answers[e.key] === 'sending'} onSend={(v) => void change(e, v)} onCancel={() => setEditing(null)} />
        ) : (
          <span className="mono wrap-anywhere" data-testid={`config-value-${e.key}`}>
            {e.value ?? DASH}
          </span>
        ),
    },
    {
      id: 'access',
      label: t('stationPage.config.access'),
      width: '8.5rem',
      sortValue: (e) => e.readonly,
      csvValue: (e) => (e.readonly ? 'readonly' : 'writable'),
      render: (e) =>
        e.readonly ? (
          <Pill tone="idle">{t('stationPage.config.readonly')}</Pill>
        ) : editing === e.key || !mayChange ? (
          <Pill tone="info">{t('stationPage.config.writable')}</Pill>
        ) : (
          <button type="button" className="button button-small" disabled={offline} onClick={() => setEditing(e.key)} data-testid={`config-edit-${e.key}`}>
            {t('stationPage.config.edit')}
          </button>
        ),
    },
    {
      id: 'answer',
      label: t('stationPage.config.answer'),
      width: '12rem',
      csvValue: () => null,
      render: (e) => {
        const a = answers[e.key];
        if (!a) return null;
        if (a === 'sending') return <span className="muted">{t('stationPage.config.sending')}</span>;
        return (
          <span className="config-answer" data-testid={`config-answer-${e.key}`} data-status={a.status} title={a.detail ?? undefined}>
            <Pill tone={outcomeTone(a.outcome)}>{statusLabel(a.status)}</Pill>
          </span>
        );
      },
    },
  ];
  const filtered = useMemo(() => (entries ?? []).filter((e) => e.key.toLowerCase().includes(search.trim().toLowerCase())), [entries, search]);
  const rows = useSortedRows(filtered, columns, sort);

  return (
    <Panel
      title={t('stationPage.config.title')}
      testId="configuration-panel"
      actions={
        <>
          {entries ? <span className="toolbar-count">{t('stationPage.config.count', { count: entries.length })}</span> : null}
          <SearchBox value={search} onChange={setSearch} placeholder={t('stationPage.config.filter')} label={t('stationPage.config.filter')} testId="config-filter" />
          {mayRead ? (
            <button type="button" className="button button-primary" disabled={offline || reading} onClick={() => void read()} data-testid="config-read">
              {reading ? t('stationPage.config.reading') : t('stationPage.config.read')}
            </button>
          ) : null}
          <button
            type="button"
            className="button"
            disabled={rows.length === 0}
            onClick={() => downloadText(csvFileName(`${t('stationPage.config.csvFile')}-${station.id}`), columnsToCsv(columns, rows, csvDialect(i18n.language)))}
            data-testid="config-export"
          >
            {t('common.exportCsv')}
          </button>
        </>
      }
    >
      {readError ? (
        <p className="notice tone-fault" role="alert" data-testid="config-error">
          {t('stationPage.config.readFailed', { message: readError })}
        </p>
      ) : null}
      <DataTable
        label={t('stationPage.config.title')}
        testId="configuration-table"
        className="configuration-table"
        columns={columns}
        rows={rows}
        rowKey={(e) => e.key}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        rowAttributes={(e) => ({ 'data-testid': `config-row-${e.key}`, 'data-readonly': String(e.readonly) })}
        empty={t('stationPage.config.hint')}
      />
    </Panel>
  );
}
