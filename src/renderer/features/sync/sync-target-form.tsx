import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChosenFile, FilePurpose } from '../../../shared/api/files';
import type { SyncTargetView } from '../../../shared/api/sync';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';

/**
 * 设置/同步 for one platform. Certificates are chosen in main's file dialog (the form holds handles, never paths);
 * the passphrase and the key never come back, so the form leaves them empty and keeps the stored ones unless new
 * ones are given.
 */
export function SyncTargetForm(props: { target: SyncTargetView; onSaved: () => void }) {
  const { t } = useTranslation('sync');
  const { target } = props;
  const [baseUrl, setBaseUrl] = useState(target.baseUrl ?? 'https://');
  const [serverName, setServerName] = useState(target.serverName ?? '');
  const [caFile, setCaFile] = useState<ChosenFile | null>(null);
  const [pkcs12File, setPkcs12File] = useState<ChosenFile | null>(null);
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
        ...(caFile ? { caCertificateFile: caFile.handle } : {}),
        ...(pkcs12File ? { clientPkcs12File: pkcs12File.handle } : {}),
        ...(passphrase ? { clientPassphrase: passphrase } : {}),
        kind,
        ...(kind === 'documents' && schemaDir.trim() ? { cdaSchemaDir: schemaDir.trim() } : {}),
      })
      .then(props.onSaved, setError)
      .finally(() => {
        setSaving(false);
        // Each handle serves one save: a retry chooses the files again.
        setCaFile(null);
        setPkcs12File(null);
      });
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
      {(
        [
          { label: t('form.caPath'), purpose: 'certificate', chosen: caFile, onChosen: setCaFile, placeholder: target.caSubject ?? t('form.caHint') },
          {
            label: t('form.pkcs12Path'),
            purpose: 'pkcs12',
            chosen: pkcs12File,
            onChosen: setPkcs12File,
            placeholder: target.hasClientCertificate ? t('form.keepStored') : '',
          },
        ] as const
      ).map((file) => (
        <FileChoice key={file.purpose} {...file} onError={setError} />
      ))}
      <label>
        {t('form.passphrase')}
        <input
          type="password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          autoComplete="off"
          placeholder={target.configured ? t('form.keepStored') : ''}
        />
      </label>
      <ErrorText error={error} />
      <button type="submit" className="primary" disabled={saving}>
        {t('form.save')}
      </button>
    </form>
  );
}

/** A file chosen in main's dialog: a button, and the chosen file's name (or what is kept). */
function FileChoice(props: {
  label: string;
  purpose: FilePurpose;
  chosen: ChosenFile | null;
  onChosen(file: ChosenFile): void;
  onError(error: unknown): void;
  placeholder: string;
}) {
  const { t } = useTranslation('common');
  return (
    <span className="field">
      {props.label}
      <span className="row">
        <button
          type="button"
          aria-label={`${props.label} — ${t('files.choose')}`}
          onClick={() => void api.files.open({ purpose: props.purpose }).then((file) => file && props.onChosen(file), props.onError)}
        >
          {t('files.choose')}
        </button>
        <span data-testid={`chosen-${props.purpose}`}>{props.chosen ? props.chosen.name : <span className="muted">{props.placeholder}</span>}</span>
      </span>
    </span>
  );
}
