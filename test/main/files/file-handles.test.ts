import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { synthesizeEcg } from '../../../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../../../src/main/ecg/formats/aecg-writer';
import { FileHandleStore } from '../../../src/main/files/file-handles';
import { downloadDecision, electronFileDialogs, isUncPath } from '../../../src/main/shell/file-dialogs';
import { ApiError } from '../../../src/shared/api/errors';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';

/** Issue 15 point 8: files reach main as handles from its own dialog (or the harness's upload), never as typed paths. */

let station: TestStation | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await station?.services.ecg.close();
  station?.dispose();
  station = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'tws-files-'));
  dirs.push(d);
  return d;
}

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof ApiError ? e.details?.reason : String(e);
  }
};

describe('file handles', () => {
  it('a handle is opaque, for one purpose and one use, and expires', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cart.xml');
    writeFileSync(file, 'x');
    let now = 1_000_000;
    const store = new FileHandleStore(path.join(dir, 'uploads'), () => now);
    const chosen = store.register(file, 'ecg');
    expect(chosen.handle).toMatch(/^fh_/);
    expect(chosen.handle).not.toContain('cart');
    expect(chosen).toMatchObject({ name: 'cart.xml', bytes: 1 });
    expect(reasonOf(() => store.take(chosen.handle, 'backup'))).toBe('FILE_HANDLE_INVALID');
    expect(store.take(chosen.handle, 'ecg').path).toBe(file);
    expect(reasonOf(() => store.take(chosen.handle, 'ecg'))).toBe('FILE_HANDLE_INVALID');
    const later = store.register(file, 'ecg');
    now += 11 * 60_000;
    expect(reasonOf(() => store.take(later.handle, 'ecg'))).toBe('FILE_HANDLE_INVALID');
    expect(existsSync(file)).toBe(true);
  });

  it('uploaded files live in a private folder that is removed after use; a WFDB header leads its .dat', async () => {
    const dir = tempDir();
    const store = new FileHandleStore(path.join(dir, 'uploads'));
    const chosen = store.registerUpload(
      [
        { name: 'rec.dat', bytes: Buffer.from([1, 2]) },
        { name: '../../rec.hea', bytes: Buffer.from('rec 1 250 2\n') },
      ],
      'ecg',
    );
    expect(chosen.name).toBe('rec.hea');
    const seen = await store.withFile(chosen.handle, 'ecg', (p) => readdirSync(path.dirname(p)).sort());
    expect(seen).toEqual(['rec.dat', 'rec.hea']);
    expect(readdirSync(path.join(dir, 'uploads'))).toEqual([]);
  });

  it('main’s dialog: cancel is null, a UNC path is refused, the chosen path is handed on', async () => {
    const answers = [
      { canceled: true, filePaths: [] },
      { canceled: false, filePaths: ['\\\\evil-host\\share\\ecg.xml'] },
      { canceled: false, filePaths: ['C:\\ECG\\cart.xml'] },
    ];
    const asked: string[] = [];
    const dialogs = electronFileDialogs(async (options) => {
      asked.push(options.title);
      return answers.shift()!;
    });
    expect(await dialogs.open('ecg')).toBeNull();
    expect(await dialogs.open('ecg')).toBeNull();
    expect(await dialogs.open('ecg')).toBe('C:\\ECG\\cart.xml');
    expect(asked[0]).toContain('心电图');
    expect([isUncPath('//host/share/x'), isUncPath('\\\\host\\x'), isUncPath('C:\\x')]).toEqual([true, true, false]);
  });

  it('downloads: our blob and data URLs go to the save dialog in Documents; anything else is cancelled', () => {
    const origins = ['app://workstation'];
    expect(downloadDecision('blob:app://workstation/1234', origins, '随访电话名单.csv', '/home/u/Documents')).toEqual({
      allow: true,
      defaultPath: path.join('/home/u/Documents', '随访电话名单.csv'),
    });
    expect(downloadDecision('data:text/csv,a', origins, '../../evil.csv', '/docs')).toEqual({ allow: true, defaultPath: path.join('/docs', 'evil.csv') });
    expect(downloadDecision('https://example.com/x.exe', origins, 'x.exe', '/docs')).toEqual({ allow: false });
    expect(downloadDecision('blob:https://evil.example/1', origins, 'x', '/docs')).toEqual({ allow: false });
  });
});

describe('ECG import through a handle', () => {
  it('upload → handle → import; the handle is spent; the dialog is refused where there is none', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const r = await call(d, 'patients', 'register', { name: '钱卫东', idNumber: makeResidentId('130321', '1961-04-09', 33) });
    if (r.status !== 'created') throw new Error('setup');
    const ecg = synthesizeEcg({ seed: 1, durationS: 10, sampleRateHz: 500, heartRateBpm: 70 });
    const xml = writeAecg({ format: 'hl7-aecg', sampleRateHz: ecg.sampleRateHz, leads: ecg.leads });
    const chosen = await call(d, 'files', 'upload', { purpose: 'ecg', files: [{ name: 'cart.xml', base64: Buffer.from(xml).toString('base64') }] });
    const summary = await call(d, 'ecg', 'importFile', { patientId: r.patient.id, file: chosen.handle });
    expect(station.services.ecg.list(r.patient.id).map((e) => e.id)).toEqual([summary.id]);
    await expect(call(d, 'ecg', 'importFile', { patientId: r.patient.id, file: chosen.handle })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'FILE_HANDLE_INVALID' },
    });
    // A path is not a handle: the contract refuses it before any file is touched.
    await expect(call(d, 'ecg', 'importFile', { patientId: r.patient.id, file: '/etc/passwd' } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(call(d, 'files', 'open', { purpose: 'ecg' })).rejects.toMatchObject({ details: { reason: 'FILE_NO_DIALOG' } });
  });
});
