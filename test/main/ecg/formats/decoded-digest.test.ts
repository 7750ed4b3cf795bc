import { describe, expect, it } from 'vitest';
import { readEcgFile } from '../../../../src/main/ecg/formats/index';
import { decodedDigest, SHARED_FILES } from '../../../support/ecg-decoded-digest';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../../../support/shared-samples';

/**
 * The readers' output, bit for bit, as it was before the parse-speed work (issue 11.6): SHA-256 of every field and
 * every sample's Float32 bits of each shared file, recorded from the readers at commit ed516ab. A change here is a
 * change in what a clinician sees, so a faster decoder must reproduce these exactly.
 */
const EXPECTED: Record<(typeof SHARED_FILES)[number], string> = {
  'wfdb/mitdb/100.hea': 'afb26408e7d6e33c5bfdd1f0daa92689a43901cd2222677ab796e7d5bc64e29e',
  'wfdb/mitdb/103.hea': '7e55c2368a266de3cd3e488399adbf417394efdb6aa7595ccc929bbcbc1fda48',
  'wfdb/mitdb/105.hea': '9564b73aa9140cc46c3cf0b94449662eff3fe4b50646d8e66aa42336d8e6df71',
  'wfdb/mitdb/208.hea': '86677b2c1cc8acbfa3387153fd1be84405d95c014cb865bd00919de62152875f',
  'wfdb/ptb-xl/00001_lr.hea': 'd310cf6335d32b94441f4a684073741f6c5a2710bc74638dc190bb3e4a45e4fc',
  'wfdb/twadb/twa01.hea': '58d66244d4ba99a1d9a8349aa746960af28f8a0efb66c1143b6c4ed661953f83',
  'scp-ecg/Example.scp': 'dc2cec20b50cc28ff2ceef90b017ef46731fd274b8a9ae604e6dccc6b40b0def',
  'hl7-aecg/Example_aECG.xml': '36227f04e8869d00210ef4ac4dd1de6039b1e443452b530309c2ec882f09e76f',
  'dicom/waveform_ecg.dcm': '820c5e8e6ed49931cb2e7710e7d2033f680b49f8bf681a7bd0a72186de074ece',
  'edf/r01.edf': '4cd5bcd586747f842bcbb419441dc419ff8f51a94aaa3852ca7f2677d969ee04',
  'ge-muse-xml/example1.xml': '220755b5873f2e579bfe76c2ac876458861542b2d6a8a5f9f68e71decd7cb266',
  'philips-xml/129DYPRG.XML': 'f492bc4f926af6f3ee221f4de940d84f32cf4df96d61af798b6af6221ef30877',
};

describe.skipIf(!hasSharedSamples)(hasSharedSamples ? 'decoded shared samples are unchanged' : `decoded shared samples are unchanged (${SKIP_REASON})`, () => {
  it.each(SHARED_FILES)('%s', async (file) => {
    const record = await readEcgFile(samplePath(...file.split('/')));
    expect(decodedDigest(record)).toBe(EXPECTED[file]);
  });
});
