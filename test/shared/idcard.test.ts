import { describe, expect, it } from 'vitest';
import { cardDate, cardEthnicCode, cardSex, decodeCardText, encodeCardText, looksScanned, parseScannedInput, photoFormatOf } from '../../src/shared/idcard';
import { makeResidentId } from '../../src/shared/resident-id';

const TODAY = '2026-12-06';
const ID = makeResidentId('130608', '1965-03-12', 2);
const ID_X = (() => {
  for (let seq = 1; seq < 999; seq++) {
    const id = makeResidentId('110101', '1980-01-01', seq);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X');
})();

const FIELDS = {
  name: '阿依古丽·买买提',
  sex: '2',
  ethnicity: '05',
  birth: '19650312',
  address: '新疆维吾尔自治区喀什市',
  idNumber: ID,
  authority: '喀什市公安局',
  validFrom: '20150601',
  validTo: '长期',
};

describe('card text layout (256 bytes of fixed-width UCS-2LE)', () => {
  it('decodes every field, long names with the middle dot, 长期 validity', () => {
    const r = decodeCardText(encodeCardText(FIELDS), null);
    expect(r).toEqual({
      ok: true,
      card: {
        name: '阿依古丽·买买提',
        sex: 'F',
        ethnicCode: '05',
        birthDate: '1965-03-12',
        address: '新疆维吾尔自治区喀什市',
        idNumber: ID,
        authority: '喀什市公安局',
        validFrom: '2015-06-01',
        validTo: 'long-term',
        photo: null,
      },
    });
  });

  it.each([
    ['name empty', { name: '' }],
    ['impossible birth date', { birth: '19650231' }],
    ['birth date 长期', { birth: '长期' }],
    ['ID not 18 characters', { idNumber: '13060819650312' }],
    ['validity garbage', { validTo: '2035-06' }],
  ])('refuses a card with %s', (_label, patch) => {
    expect(decodeCardText(encodeCardText({ ...FIELDS, ...patch }), null)).toEqual({ ok: false, error: 'IDCARD_BAD_TEXT' });
  });

  it('refuses a short buffer', () => {
    expect(decodeCardText(new Uint8Array(100), null)).toEqual({ ok: false, error: 'IDCARD_BAD_TEXT' });
  });

  it.each([
    ['1', 'M'],
    ['2', 'F'],
    ['0', 'U'],
    ['9', 'U'],
  ] as const)('sex code %s is %s', (code, sex) => expect(cardSex(code)).toBe(sex));

  it.each([
    ['01', '01'],
    ['1', '01'],
    ['56', '56'],
    ['57', null],
    ['97', '97'],
    ['99', null],
    ['', null],
  ])('ethnic code %j → %j (GB 3304)', (raw, code) => expect(cardEthnicCode(raw)).toBe(code));

  it.each([
    ['20350601', '2035-06-01'],
    ['长期', 'long-term'],
    ['20350631', null],
    ['2035061', null],
  ])('card date %s → %s', (raw, iso) => expect(cardDate(raw)).toBe(iso));

  it('tells the photo format by its first bytes', () => {
    expect(photoFormatOf(new Uint8Array([0x42, 0x4d, 0]))).toBe('bmp');
    expect(photoFormatOf(new Uint8Array([0xff, 0xd8, 0xff]))).toBe('jpeg');
    expect(photoFormatOf(new Uint8Array([0x57, 0x4c, 0x66]))).toBe('wlt');
  });
});

describe('keyboard-mode readers and QR scanners', () => {
  it.each([
    ['an 18-digit ID typed by a reader', `${ID}\n`, { kind: 'residentId', idNumber: ID }],
    ['lower-case x', ID_X.toLowerCase(), { kind: 'residentId', idNumber: ID_X }],
    ['full-width digits from an IME', ID.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))), { kind: 'residentId', idNumber: ID }],
    [
      'key=value with name and phone',
      `name=%E5%BC%A0%E4%B8%89&idNo=${ID}&phone=13812345678`,
      { kind: 'qr', idNumber: ID, name: '张三', phone: '13812345678', source: 'keyValue' },
    ],
    ['Chinese keys separated by |', `姓名=李四|身份证号=${ID}`, { kind: 'qr', idNumber: ID, name: '李四', phone: null, source: 'keyValue' }],
    ['JSON object', JSON.stringify({ xm: '王五', sfzh: ID }), { kind: 'qr', idNumber: ID, name: '王五', phone: null, source: 'json' }],
    ['plain ehc health-card form', `ehc:1:ID:${ID}:13`, { kind: 'qr', idNumber: ID, name: null, phone: null, source: 'healthCard' }],
  ])('recognises %s', (_label, typed, expected) => {
    expect(parseScannedInput(typed, TODAY)).toEqual(expected);
  });

  it.each([
    ['a wrong check character', ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0')],
    ['a name', '张三'],
    ['an encrypted provincial health-card payload', 'EHC01:9f2c4a7be01d55aa1c0f3b2e7d9a6c4b1e8f0a3d5c7b9e2f4a6c8d0e1f3a5b7c9'],
    ['key=value without an ID key', 'name=张三&card=123'],
    ['JSON with a wrong ID', JSON.stringify({ idNo: '123456789012345678' })],
    ['broken JSON', '{"idNo": '],
    ['empty', ''],
  ])('does not guess at %s', (_label, typed) => {
    expect(parseScannedInput(typed, TODAY)).toEqual({ kind: 'unrecognised' });
  });

  it.each([
    ['a burst of 19 keys 10 ms apart', Array.from({ length: 19 }, (_, i) => i * 10), true],
    ['a person typing 150 ms apart', Array.from({ length: 19 }, (_, i) => i * 150), false],
    ['one pause in the middle', [...Array.from({ length: 10 }, (_, i) => i * 10), ...Array.from({ length: 9 }, (_, i) => 1000 + i * 10)], false],
    ['too short to be a scan', Array.from({ length: 8 }, (_, i) => i * 10), false],
  ])('%s → scanned %s', (_label, times, expected) => expect(looksScanned(times)).toBe(expected));
});
