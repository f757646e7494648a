// The project bundle in the versions tab: download the whole history as one file (engineers: it
// carries the station passwords) and import one, with the reading and the checking shown while
// they run and the result (or every problem the supervisor found) after.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BundleImportResult } from '../../../src-shared/api/index.ts';
import { Panel } from '../../components/Field.tsx';
import { downloadText } from '../../lib/csv.ts';
import { describeError } from '../../lib/errors.ts';
import { api } from '../../store/client.ts';
import { useProject } from '../../store/project.ts';
import { useToasts } from '../../store/toasts.ts';
import '../../styles/templates.css';

/** Largest bundle the screen sends over its link (the bridge takes 16 MB per message). */
export const BUNDLE_UI_MAX_MB = 12;

type Stage = { kind: 'downloading' } | { kind: 'reading'; file: string; percent: number } | { kind: 'sending'; file: string };

function readText(file: File, onProgress: (percent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.readAsText(file, 'utf-8');
  });
}

export function BundlePanel() {
  const { t } = useTranslation();
  const reload = useProject((s) => s.reload);
  const [stage, setStage] = useState<Stage | null>(null);
  const [result, setResult] = useState<BundleImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const download = async () => {
    setStage({ kind: 'downloading' });
    setError(null);
    try {
      const bundle = await api().call('exportProjectBundle', {});
      downloadText(bundle.fileName, bundle.content, 'application/json;charset=utf-8');
      useToasts.getState().push('ok', t('templateLibrary.bundle.downloaded', { file: bundle.fileName, versions: bundle.versions }));
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setStage(null);
    }
  };

  const upload = async (file: File | undefined) => {
    setResult(null);
    setError(null);
    if (!file) return;
    if (file.size > BUNDLE_UI_MAX_MB * 1024 * 1024) {
      setError(t('templateLibrary.bundle.tooLarge', { file: file.name, mb: (file.size / (1024 * 1024)).toFixed(1), max: BUNDLE_UI_MAX_MB }));
      return;
    }
    try {
      setStage({ kind: 'reading', file: file.name, percent: 0 });
      const content = await readText(file, (percent) => setStage({ kind: 'reading', file: file.name, percent }));
      setStage({ kind: 'sending', file: file.name });
      const imported = await api().call('importProjectBundle', { content, fileName: file.name });
      setResult(imported);
      await reload();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setStage(null);
    }
  };

  return (
    <Panel title={t('templateLibrary.bundle.title')} testId="bundle-panel">
      <p className="hint">{t('templateLibrary.bundle.hint')}</p>
      <div className="toolbar">
        <button type="button" className="button" disabled={stage !== null} onClick={() => void download()} data-testid="bundle-download">
          {t('templateLibrary.bundle.download')}
        </button>
        <label className={`button ${stage !== null ? 'is-disabled' : ''}`} data-testid="bundle-import-label">
          {t('templateLibrary.bundle.import')}
          <input
            type="file"
            accept=".json,application/json"
            className="project-file-input"
            disabled={stage !== null}
            onChange={(e) => {
              void upload(e.target.files?.[0]);
              e.target.value = '';
            }}
            data-testid="bundle-file"
          />
        </label>
      </div>
      {stage ? (
        <div className="project-progress" data-testid="bundle-progress" data-stage={stage.kind}>
          {stage.kind === 'reading' ? <progress max={100} value={stage.percent} /> : <progress />}
          <span className="muted">
            {stage.kind === 'downloading' ? t('templateLibrary.bundle.downloading') : stage.kind === 'reading' ? t('templateLibrary.bundle.reading', { file: stage.file }) : t('templateLibrary.bundle.sending', { file: stage.file })}
          </span>
        </div>
      ) : null}
      {error ? (
        <p className="notice tone-fault bundle-error" data-testid="bundle-error">
          {error}
        </p>
      ) : null}
      {result ? (
        <p className="notice tone-ok" data-testid="bundle-result" data-mode={result.mode} data-version={result.versions.at(-1)?.id ?? ''}>
          {result.mode === 'history'
            ? t('templateLibrary.bundle.doneHistory', { name: result.name, count: result.versions.length })
            : t('templateLibrary.bundle.done', { name: result.name, version: result.versions.at(-1)?.id ?? '' })}
        </p>
      ) : null}
    </Panel>
  );
}
