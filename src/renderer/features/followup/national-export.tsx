import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportReport } from '../../../shared/api/interop';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';

/**
 * 公卫导出: the year's follow-ups as the national form's CSV (downloaded), and every national document of the year
 * written by main into a folder (a USB stick, a shared folder the county collects), with what was written and what
 * failed its checks.
 */
export function NationalExport(props: { today: string; download: (fileName: string, content: string) => void }) {
  const { t } = useTranslation('followup');
  const [year, setYear] = useState(Number(props.today.slice(0, 4)));
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ExportReport | null>(null);
  const [csvRows, setCsvRows] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function downloadCsv() {
    setError(null);
    try {
      const csv = await api.interop.followUpCsv({ year });
      props.download(csv.fileName, csv.content);
      setCsvRows(csv.rows);
    } catch (e) {
      setError(e);
    }
  }

  function exportDocuments(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setReport(null);
    api.interop
      .exportDocuments({ year, folder: folder.trim() })
      .then(setReport, setError)
      .finally(() => setBusy(false));
  }

  return (
    <form className="card form" onSubmit={exportDocuments} aria-label={t('national.title')}>
      <h2>{t('national.title')}</h2>
      <label>
        {t('national.year')}
        <input type="number" min={2000} max={2100} value={year} onChange={(e) => setYear(Number(e.target.value))} />
      </label>
      <button type="button" onClick={() => void downloadCsv()}>
        {t('national.downloadCsv')}
      </button>
      {csvRows !== null && <p className="muted">{t('national.csvRows', { count: csvRows })}</p>}
      <label>
        {t('national.folder')}
        <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={t('national.folderHint')} required />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('national.exportDocuments')}
      </button>
      <ErrorText error={error} />
      {report && (
        <div role="status">
          <p>{t('national.written', { count: report.written, folder: report.out })}</p>
          {!report.schemaChecked && <p className="muted">{t('national.noSchema')}</p>}
          {report.refused.length > 0 && (
            <>
              <p className="error">{t('national.refused', { count: report.refused.length })}</p>
              <ul>
                {report.refused.map((item) => (
                  <li key={item.file}>
                    <span className="mono">{item.file}</span>: {item.problems.join('; ')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </form>
  );
}
