import { describe, expect, it } from 'vitest';
import LIST from '../../src/shared/icd10/icd10-primary-care.json';
import { buildIcd10SearchKeys, formatIcd10SearchKeys, icd10NameKeys } from '../../src/shared/icd10/search-keys';

describe('ICD-10 pinyin keys', () => {
  // The generated JSON must be what pinyin-pro makes of the list today; `npx vitest run -u` rewrites it.
  it('icd10-search-keys.json matches the list', async () => {
    await expect(formatIcd10SearchKeys(buildIcd10SearchKeys(LIST))).toMatchFileSnapshot('../../src/shared/icd10/icd10-search-keys.json');
  });

  it.each<[string, string, string]>([
    ['原发性高血压', 'yuan fa xing gao xue ya', 'yfxgxy'],
    ['2型糖尿病不伴有并发症', '2 xing tang niao bing bu ban you bing fa zheng', '2xtnbbbybfz'],
    ['人类免疫缺陷病毒[HIV]病', 'ren lei mian yi que xian bing du hiv bing', 'rlmyqxbdhivb'],
    ['荨麻疹', 'xun ma zhen', 'xmz'],
    ['变应性荨麻疹', 'bian ying xing xun ma zhen', 'byxxmz'],
    ['疟疾', 'nve ji', 'nj'],
    ['便秘', 'bian mi', 'bm'],
    ['膀胱结石', 'pang guang jie shi', 'pgjs'],
    ['重度蛋白质-能量营养不良', 'zhong du dan bai zhi neng liang ying yang bu liang', 'zddbznlyybl'],
    ['急性鼻咽炎[感冒]', 'ji xing bi yan yan gan mao', 'jxbyygm'],
    ['咯血', 'ka xie', 'kx'],
  ])('%s → %s / %s', (name, syllables, initials) => {
    expect(icd10NameKeys(name)).toEqual({ syllables, initials });
  });
});
