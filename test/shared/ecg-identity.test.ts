import { describe, expect, it } from 'vitest';
import { identityMismatches } from '../../src/shared/ecg-identity';

const chosen = { id: 'p-1', name: '张三', idNumber: '11010119900307451X', healthCardNumber: 'HC-0042' };

describe("the file's patient against the chosen one", () => {
  it.each<[string, { name?: string; id?: string } | undefined, string[]]>([
    ['no identity in the file', undefined, []],
    ['blank fields', { name: '  ', id: '' }, []],
    ['same Chinese name', { name: '张三' }, []],
    ['same name with a space', { name: '张 三' }, []],
    ['pinyin, DICOM order', { name: 'ZHANG^SAN' }, []],
    ['pinyin, Western order', { name: 'San Zhang' }, []],
    ['pinyin run together', { name: 'zhangsan' }, []],
    ['another name', { name: '李四' }, ['name']],
    ['another pinyin', { name: 'LI^SI' }, ['name']],
    ['resident ID, lower-case x', { id: '11010119900307451x' }, []],
    ['health card number', { id: 'HC-0042' }, []],
    ["the app's own id", { id: 'p-1' }, []],
    ['an unknown ID', { id: '1112010721168bdc' }, ['id']],
    ['both differ', { name: '李四', id: '999' }, ['name', 'id']],
  ])('%s', (_case, file, expected) => expect(identityMismatches(file, chosen)).toEqual(expected));
});
