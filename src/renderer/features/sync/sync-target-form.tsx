import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncTargetView } from '../../../shared/api/sync';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';

/**
 * 设置/同步 for one platform. Certificates are named by file path (main reads them); the passphrase and the key
 * never come back, so the form leaves them empty and keeps the stored ones unless new ones are given.
 */
export function SyncTargetForm(props: { target: SyncTargetView; onSaved: () => void }) {
  const { t } = useTranslation('sync');
  const { target } = props;
  const [baseUrl, setBaseUrl] = useState(target.baseUrl ?? 'https://');
  const [serverName, setServerName] = useState(target.serverName ?? '');
  const [caPath, setCaPath] = useState('');
  const [pkcs12Path, setPkcs12Path] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [kind, setKind] = useState<SyncTargetView['kind']>(target.kind);
  const [schemaDir, setSchemaDir] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    api.sync
      .configure({
        id: target.id,
        baseUrl: baseUrl.trim(),
        enabled: target.configured ? target.enabled : true,
        ...(serverName.trim() ? { serverName: serverName.trim() } : {}),
        ...(caPath.trim() ? { caCertificatePath: caPath.trim() } : {}),
        ...(pkcs12Path.trim() ? { clientPkcs12Path: pkcs12Path.trim() } : {}),
        ...(passphrase ? { clientPassphrase: passphrase } : {}),
        kind,
        ...(kind === 'documents' && schemaDir.trim() ? { cdaSchemaDir: schemaDir.trim() } : {}),
      })
      .then(props.onSaved, setError)
      .finally(() => setSaving(false));
  };

  return (
    <form className="form" onSubmit={submit} aria-label={t('form.title')}>
      <label>
        {t('form.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value === 'documents' ? 'documents' : 'fhir')}>
          <option value="fhir">{t('form.kindFhir')}</option>
          <option value="documents">{t('form.kindDocuments')}</option>
        </select>
      </label>
      {kind === 'documents' && (
        <label>
          {t('form.cdaSchemaDir')}
          <input value={schemaDir} onChange={(e) => setSchemaDir(e.target.value)} placeholder={t('form.cdaSchemaHint')} />
        </label>
      )}
      <label>
        {t('form.baseUrl')}
        <input value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} required />
      </label>
      <label>
        {t('form.serverName')}
        <input value={serverName} onChange={(e) => setServerName(e.target.value)} placeholder={t('form.optional')} />
      </label>
      <label>
        {t('form.caPath')}
        <input value={caPath} onChange={(e) => setCaPath(e.target.value)} placeholder={target.caSubject ?? t('form.caHint')} required={!target.configured} />
      </label>
      <label>
        {t('form.pkcs12Path')}
        <input value={pkcs12Path} onChange={(e) => setPkcs12Path(e.target.value)} placeholder={target.hasClientCertificate ? t('form.keepStored') : ''} required={!target.configured} />
      </label>
      <label>
        {t('form.passphrase')}
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" placeholder={target.configured ? t('form.keepStored') : ''} />
      </label>
      <ErrorText error={error} />
      <button type="submit" className="primary" disabled={saving}>
        {t('form.save')}
      </button>
    </form>
  );
}
