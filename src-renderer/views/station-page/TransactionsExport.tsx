// Export of the filtered transactions, streamed by the supervisor (GET /api/v1/transactions/
// export) as CSV or a real .xlsx: a one-time ticket from the API contract opens the download,
// the browser reads it chunk by chunk with a progress bar, and Cancel aborts the request (the
// server stops writing). The file is saved when complete.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransactionQuery } from '../../../src-shared/api/index.ts';
import { describeError } from '../../lib/errors.ts';
import { formatNumber } from '../../lib/format.ts';
import { useLinkOpen, useLocale } from '../../lib/hooks.ts';
import { saveBlob, streamDownload, type DownloadProgress } from '../../lib/stream-download.ts';
import { api } from '../../store/client.ts';
import { useToasts } from '../../store/toasts.ts';

/** The supervisor's HTTP address: the page's own origin in a browser, derived from the OCPP URL in Electron. */
async function httpBase(): Promise<string> {
  if (location.protocol === 'http:' || location.protocol === 'https:') return location.origin;
  const info = await api().call('getServerInfo', {});
  return info.ocppUrl.replace(/^ws/, 'http').replace(/\/ocpp\/?$/, '');
}

export function exportUrl(base: string, query: TransactionQuery, format: 'csv' | 'xlsx', ticket: string): string {
  const params = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'sort' && k !== 'direction' && k !== 'offset' && k !== 'limit') params.set(k, String(v));
  params.set('ticket', ticket);
  return `${base}/api/v1/transactions/export?${params.toString()}`;
}

function formatBytes(bytes: number, locale: string): string {
  return bytes >= 1_048_576 ? `${formatNumber(bytes / 1_048_576, locale, 1)} MB` : `${formatNumber(bytes / 1024, locale, 0)} kB`;
}

export function TransactionsExport({ query, total }: { query: TransactionQuery; total: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const [running, setRunning] = useState<{ format: 'csv' | 'xlsx'; progress: DownloadProgress } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const toast = (tone: 'ok' | 'warn' | 'fault', text: string) => useToasts.getState().push(tone, text);

  const start = async (format: 'csv' | 'xlsx') => {
    const controller = new AbortController();
    abort.current = controller;
    setRunning({ format, progress: { bytes: 0, rows: 0, total } });
    try {
      const [{ ticket }, base] = await Promise.all([api().call('transactionsExportTicket', {}), httpBase()]);
      const file = await streamDownload(exportUrl(base, query, format, ticket), {
        signal: controller.signal,
        csv: format === 'csv',
        fallbackName: `transactions.${format}`,
        onProgress: (progress) => setRunning({ format, progress }),
      });
      saveBlob(file.fileName, file.blob);
      toast('ok', t('stationPage.export.done', { rows: formatNumber(file.rows, locale) }));
    } catch (error) {
      if (controller.signal.aborted) toast('warn', t('stationPage.export.cancelled'));
      else toast('fault', t('stationPage.export.failed', { message: describeError(error, t) }));
    } finally {
      abort.current = null;
      setRunning(null);
    }
  };

  if (running) {
    const { progress } = running;
    const max = progress.total ?? 0;
    return (
      <div className="export-progress" role="status" data-testid="tx-export-progress" data-format={running.format} data-rows={progress.rows} data-total={progress.total ?? ''}>
        <progress max={Math.max(1, max)} value={Math.min(progress.rows, max)} />
        <span className="num">
          {progress.total !== null
            ? t('stationPage.export.progress', { done: formatNumber(progress.rows, locale), total: formatNumber(progress.total, locale) })
            : t('stationPage.export.progressBytes', { size: formatBytes(progress.bytes, locale) })}
        </span>
        <button type="button" className="button button-small button-danger" onClick={() => abort.current?.abort()} data-testid="tx-export-cancel">
          {t('stationPage.export.cancel')}
        </button>
      </div>
    );
  }
  return (
    <div className="export-buttons">
      <button type="button" className="button" onClick={() => void start('csv')} disabled={!linkOpen || total === 0} title={t('stationPage.export.title')} data-testid="tx-export">
        {t('stationPage.export.csv')}
      </button>
      <button type="button" className="button" onClick={() => void start('xlsx')} disabled={!linkOpen || total === 0} title={t('stationPage.export.title')} data-testid="tx-export-xlsx">
        {t('stationPage.export.xlsx')}
      </button>
    </div>
  );
}
