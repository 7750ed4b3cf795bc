import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/i18n/locales/en/clinic-rules.json';
import zh from '../../src/renderer/i18n/locales/zh-CN/clinic-rules.json';
import {
  classifySearchQuery,
  nameSearchKeys,
  parseSearchQuery,
  pinyinMatchesName,
  SEARCH_QUERY_KINDS,
  type SearchQueryKind,
} from '../../src/shared/pinyin-keys';

// [name, full (surname reading), initials, everyday reading of the whole name when it differs]
// Expected spellings written from the standard readings (现代汉语词典 / 百家姓), not copied from the library.
const NAMES: [string, string, string, string?][] = [
  ['张三', 'zhangsan', 'zs'],
  ['王伟', 'wangwei', 'ww'],
  ['李娜', 'lina', 'ln'],
  ['刘洋', 'liuyang', 'ly'],
  ['陈静', 'chenjing', 'cj'],
  ['杨秀英', 'yangxiuying', 'yxy'],
  ['黄建国', 'huangjianguo', 'hjg'],
  ['赵桂兰', 'zhaoguilan', 'zgl'],
  ['周子涵', 'zhouzihan', 'zzh'],
  ['吴欣怡', 'wuxinyi', 'wxy'],
  // Polyphonic single surnames: the surname reading first, the everyday reading as the alternate.
  ['单雄信', 'shanxiongxin', 'sxx', 'danxiongxin'],
  ['曾国藩', 'zengguofan', 'zgf', 'cengguofan'],
  ['解缙', 'xiejin', 'xj', 'jiejin'],
  ['仇英', 'qiuying', 'qy', 'chouying'],
  ['区志强', 'ouzhiqiang', 'ozq', 'quzhiqiang'],
  ['查良镛', 'zhaliangyong', 'zly', 'chaliangyong'],
  ['朴树', 'piaoshu', 'ps', 'pushu'],
  ['盖叫天', 'gejiaotian', 'gjt', 'gaijiaotian'],
  ['乐毅', 'yueyi', 'yy', 'leyi'],
  ['种师道', 'chongshidao', 'csd', 'zhongshidao'],
  ['祭仲', 'zhaizhong', 'zz', 'jizhong'],
  ['缪可', 'miaoke', 'mk', 'miuke'],
  ['覃明', 'qinming', 'qm'],
  ['翟志刚', 'zhaizhigang', 'zzg'],
  ['任正非', 'renzhengfei', 'rzf'],
  ['华罗庚', 'hualuogeng', 'hlg'],
  ['纪晓岚', 'jixiaolan', 'jxl'],
  ['冼星海', 'xianxinghai', 'xxh'],
  ['阚泽', 'kanze', 'kz'],
  ['逄先知', 'pangxianzhi', 'pxz'],
  ['尉健行', 'weijianxing', 'wjx'],
  // Compound surnames.
  ['尉迟恭', 'yuchigong', 'ycg', 'weichigong'],
  ['万俟卨', 'moqixie', 'mqx', 'wansixie'],
  ['长孙无忌', 'zhangsunwuji', 'zswj'],
  ['欧阳修', 'ouyangxiu', 'oyx'],
  ['司马光', 'simaguang', 'smg'],
  ['诸葛亮', 'zhugeliang', 'zgl'],
  ['上官婉儿', 'shangguanwaner', 'sgwe'],
  ['皇甫谧', 'huangfumi', 'hfm'],
  ['东方朔', 'dongfangshuo', 'dfs'],
  ['令狐冲', 'linghuchong', 'lhc'],
  ['澹台灭明', 'tantaimieming', 'ttmm', 'dantaimieming'],
  ['慕容复', 'murongfu', 'mrf'],
  ['公孙策', 'gongsunce', 'gsc'],
  ['闾丘露', 'lvqiulu', 'lql'],
  // ü written v.
  ['吕布', 'lvbu', 'lb'],
  ['吕雪', 'lvxue', 'lx'],
  ['女娲', 'nvwa', 'nw'],
  // Separators, full-width and latin input.
  ['买买提·艾力', 'maimaitiaili', 'mmtal'],
  ['张　三', 'zhangsan', 'zs'],
  ['Zhang Wei', 'zhangwei', 'zw'],
  ['ＬＩ Ｍｉｎｇ', 'liming', 'lm'],
];

describe('nameSearchKeys', () => {
  it('has a table of at least 40 names', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(NAMES)('%s → %s / %s', (name, full, initials, everyday) => {
    const keys = nameSearchKeys(name);
    expect(keys.full).toBe(full);
    expect(keys.initials).toBe(initials);
    expect(keys.fullSpaced.replaceAll(' ', '')).toBe(full);
    expect(keys.alternate?.full).toBe(everyday);
  });

  it('spaces syllables one by one, compound surname included', () => {
    expect(nameSearchKeys('尉迟恭').fullSpaced).toBe('yu chi gong');
    expect(nameSearchKeys('欧阳娜娜').fullSpaced).toBe('ou yang na na');
    expect(nameSearchKeys('张三').fullSpaced).toBe('zhang san');
  });

  it('gives the initials of the everyday reading with the alternate', () => {
    expect(nameSearchKeys('曾国藩').alternate).toEqual({ full: 'cengguofan', initials: 'cgf' });
    expect(nameSearchKeys('张三').alternate).toBeUndefined();
  });

  it('leaves characters without pinyin out and says which', () => {
    const keys = nameSearchKeys('李\u{20000}');
    expect(keys.full).toBe('li');
    expect(keys.unconverted).toEqual(['\u{20000}']);
    expect(nameSearchKeys('李明').unconverted).toBeUndefined();
  });

  it('reads a polyphonic character as a surname only at the head of the name', () => {
    expect(nameSearchKeys('张曾').full).toBe('zhangceng');
    expect(nameSearchKeys('王单').full).toBe('wangdan');
  });

  it('yields lower-case ASCII keys for any mix of common hanzi', () => {
    const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCodePoint(code));
    fc.assert(
      fc.property(fc.array(hanzi, { minLength: 1, maxLength: 4 }), (chars) => {
        const keys = nameSearchKeys(chars.join(''));
        expect(keys.full).toMatch(/^[a-z]*$/);
        expect(keys.initials).toMatch(/^[a-z]*$/);
        expect(keys.initials.length).toBe(keys.fullSpaced.split(' ').filter(Boolean).length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('pinyinMatchesName', () => {
  it.each<[string, string, boolean]>([
    ['张三', 'zhangs', true],
    ['张三', 'zs', true],
    ['张三', 'ZHANG', true],
    ['张三', 'zhang san', true],
    ['张三', 'san', false],
    ['曾国藩', 'zeng', true],
    ['曾国藩', 'ceng', true],
    ['曾国藩', 'cgf', true],
    ['吕布', 'lv', true],
    ['吕布', 'lü', true],
    ['吕布', 'lu:b', true],
    ['吕布', 'lu', false],
    ['欧阳修', "ou'yang", true],
    ['张三', '', false],
  ])('%s ~ %s → %s', (name, query, expected) => {
    expect(pinyinMatchesName(nameSearchKeys(name), query)).toBe(expected);
  });
});

describe('classifySearchQuery', () => {
  it.each<[string, SearchQueryKind, string]>([
    ['', 'empty', ''],
    ['   ', 'empty', ''],
    ['--', 'empty', ''],
    ['11010519491231002X', 'idFull', '11010519491231002X'],
    ['11010519491231002x', 'idFull', '11010519491231002X'],
    ['110105 19491231 002X', 'idFull', '11010519491231002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', 'idFull', '11010519491231002X'],
    ['110105-19491231-002X', 'idFull', '11010519491231002X'],
    ['31002X', 'idSuffix', '31002X'],
    ['31002x', 'idSuffix', '31002X'],
    ['231002', 'idSuffix', '231002'],
    ['13812345678', 'phone', '13812345678'],
    ['138 1234 5678', 'phone', '13812345678'],
    ['138-1234-5678', 'phone', '13812345678'],
    ['19912345678', 'phone', '19912345678'],
    ['23812345678', 'healthCard', '23812345678'],
    ['1381234567', 'healthCard', '1381234567'],
    ['1234', 'healthCard', '1234'],
    ['110105491231002', 'healthCard', '110105491231002'],
    ['H43052200123', 'healthCard', 'H43052200123'],
    ['X1', 'healthCard', 'X1'],
    ['zs', 'pinyin', 'zs'],
    ['ZhangSan', 'pinyin', 'zhangsan'],
    ['zhang san', 'pinyin', 'zhangsan'],
    ["xi'an", 'pinyin', 'xian'],
    ['lü', 'pinyin', 'lv'],
    ['x', 'pinyin', 'x'],
    ['张', 'hanzi', '张'],
    ['张三', 'hanzi', '张三'],
    ['张 三', 'hanzi', '张三'],
    ['买买提·艾', 'hanzi', '买买提艾'],
    ['张s', 'hanzi', '张s'],
  ])('%j → %s', (query, kind, text) => {
    expect(classifySearchQuery(query)).toBe(kind);
    expect(parseSearchQuery(query)).toEqual({ kind, text });
  });

  it('never throws and always returns one of the kinds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (query) => {
        expect(SEARCH_QUERY_KINDS).toContain(classifySearchQuery(query));
      }),
    );
  });

  it('every kind has a hint text in both locales, and no other search.* key exists', () => {
    for (const catalog of [zh, en] as Record<string, string>[]) {
      const keys = Object.keys(catalog).filter((key) => key.startsWith('search.'));
      expect(keys.sort()).toEqual(SEARCH_QUERY_KINDS.map((kind) => `search.${kind}`).sort());
      for (const key of keys) expect(catalog[key].length).toBeGreaterThan(0);
    }
  });
});

describe('pinyin-pro is safe in shared/', () => {
  it('its distributed code imports nothing but its own files and no Node or DOM globals', () => {
    const entry = createRequire(import.meta.url).resolve('pinyin-pro');
    const source = readFileSync(entry, 'utf8');
    expect(path.basename(entry)).toBe('index.js');
    expect(source).not.toMatch(/require\(\s*['"](?!\.)/);
    expect(source).not.toMatch(/\b(process\.|Buffer\.|__dirname|window\.|document\.)/);
  });
});
