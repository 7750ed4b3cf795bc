import { isAscii } from 'node:buffer';
import { EcgFormatError } from './errors';

/**
 * A small, strict XML 1.0 parser shared by the aECG, GE MUSE and Philips readers.
 *
 * Safe by construction: no DTD processing at all (a DOCTYPE is skipped, and refused when its internal subset
 * declares entities or uses parameter entities, which is how billion-laughs and XXE attacks start), only the five
 * predefined entities and numeric character references, and limits on size, depth, node and attribute counts.
 * It is iterative (no recursion), and every loop advances through the text, so hostile input cannot hang it or
 * overflow the stack. Namespaces are not resolved: readers match elements by local name, which is what the
 * vendor formats need (aECG and Philips use a default namespace; MUSE none).
 */

export interface XmlElement {
  /** Qualified name as written (`hl7:series`). */
  readonly name: string;
  /** Name without its prefix (`series`). */
  readonly localName: string;
  /** Attribute values after entity decoding and attribute-value normalisation, keyed by qualified name. */
  readonly attributes: ReadonlyMap<string, string>;
  /** Elements and text (text and CDATA are plain strings, in document order). */
  readonly children: readonly XmlNode[];
}

export type XmlNode = XmlElement | string;

export interface XmlLimits {
  /** Largest document accepted, in bytes before decoding. */
  maxBytes: number;
  /** Deepest element nesting accepted. */
  maxDepth: number;
  /** Most elements accepted in one document. */
  maxElements: number;
  /** Most attributes accepted on one element. */
  maxAttributes: number;
}

/** Generous for any resting ECG (a 10 s 12-lead aECG is 0.5 MB and 20 levels deep), tight enough to protect memory. */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = {
  maxBytes: 128 * 1024 * 1024,
  maxDepth: 256,
  maxElements: 2_000_000,
  maxAttributes: 256,
};

const corrupt = (message: string) => new EcgFormatError('CORRUPT', `XML: ${message}`);

// ---------------------------------------------------------------------------------------------------------------
// Bytes → text

interface DetectedEncoding {
  label: string;
  bomLength: number;
  /** True when the byte pattern itself fixes the encoding (BOM or UTF-16 "<?" without BOM). */
  certain: boolean;
}

/** XML 1.0 Appendix F: the BOM, or the byte pattern of "<?", decides the family; the declaration names the rest. */
function detectEncoding(bytes: Uint8Array): DetectedEncoding {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { label: 'utf-8', bomLength: 3, certain: true };
  if (b0 === 0xff && b1 === 0xfe) return { label: 'utf-16le', bomLength: 2, certain: true };
  if (b0 === 0xfe && b1 === 0xff) return { label: 'utf-16be', bomLength: 2, certain: true };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return { label: 'utf-16le', bomLength: 0, certain: true };
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return { label: 'utf-16be', bomLength: 0, certain: true };
  return { label: 'utf-8', bomLength: 0, certain: false };
}

/** Reads `encoding="…"` from an ASCII-compatible XML declaration. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 256)));
  const match = /^<\?xml\s[^>]*?encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(head);
  return match?.[2];
}

/**
 * WHATWG encodings (TextDecoder's canonical names) whose bytes 0x00–0x7F are US-ASCII one to one; stateful ones like
 * ISO-2022-JP, where an escape byte changes what follows, are not listed.
 */
const SINGLE_BYTE_ENCODINGS: ReadonlySet<string> = new Set([
  'ibm866',
  'iso-8859-2',
  'iso-8859-3',
  'iso-8859-4',
  'iso-8859-5',
  'iso-8859-6',
  'iso-8859-7',
  'iso-8859-8',
  'iso-8859-8-i',
  'iso-8859-10',
  'iso-8859-13',
  'iso-8859-14',
  'iso-8859-15',
  'iso-8859-16',
  'koi8-r',
  'koi8-u',
  'macintosh',
  'windows-874',
  'windows-1250',
  'windows-1251',
  'windows-1252',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'windows-1258',
  'x-mac-cyrillic',
]);
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface DecodedXml {
  text: string;
  /** Set when the document's bytes were ASCII read by an ASCII-transparent decoder: each character is its byte. */
  asciiBody?: Uint8Array;
}

function decodeXml(bytes: Uint8Array, limits: Readonly<XmlLimits>): DecodedXml {
  if (bytes.length > limits.maxBytes) {
    throw new EcgFormatError('TOO_LARGE', `XML: ${bytes.length} bytes is over the ${limits.maxBytes}-byte limit`);
  }
  const detected = detectEncoding(bytes);
  let label = detected.label;
  if (!detected.certain) {
    const declared = declaredEncoding(bytes)?.toLowerCase();
    // A declaration cannot make ASCII-compatible bytes UTF-16; anything else it names is honoured.
    if (declared && !declared.startsWith('utf-16') && !declared.startsWith('ucs-2')) label = declared;
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  } catch {
    throw new EcgFormatError('UNSUPPORTED_VARIANT', `XML: character encoding "${label}" is not supported`);
  }
  const body = bytes.subarray(detected.bomLength);
  // ASCII bytes are the same text in every single-byte encoding and in UTF-8, and UTF-8's decoder is the fast native
  // one (MUSE declares ISO-8859-1, whose windows-1252 decoder took several times longer for the same ASCII file).
  const asciiBody = (decoder.encoding === 'utf-8' || SINGLE_BYTE_ENCODINGS.has(decoder.encoding)) && isAscii(body) ? body : undefined;
  if (asciiBody) decoder = UTF8_DECODER;
  try {
    return { text: decoder.decode(body), asciiBody };
  } catch {
    throw corrupt(`bytes are not valid ${decoder.encoding}`);
  }
}

/** Decodes an XML document's bytes to text (BOM, UTF-16 without BOM, or the declared encoding; UTF-8 by default). */
export function decodeXmlBytes(bytes: Uint8Array, limits: Readonly<XmlLimits> = DEFAULT_XML_LIMITS): string {
  return decodeXml(bytes, limits).text;
}

/** The bytes below 0x20 that XML forbids (all but tab, LF and CR). */
const FORBIDDEN_BYTES = Array.from({ length: 0x20 }, (_, byte) => byte).filter((byte) => byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);

/**
 * FORBIDDEN_CHAR_RE's test for a document whose characters are its ASCII bytes: one native memchr per forbidden byte
 * (Buffer#indexOf) scans a 0.5 MB aECG in a third of the regular expression's time over the decoded string.
 */
function hasForbiddenByte(ascii: Uint8Array): boolean {
  const view = Buffer.from(ascii.buffer, ascii.byteOffset, ascii.byteLength);
  return FORBIDDEN_BYTES.some((byte) => view.indexOf(byte) !== -1);
}

// ---------------------------------------------------------------------------------------------------------------
// Text → tree

const NAME_START =
  'A-Za-z_:\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\uD800-\\uDBFF\\uDC00-\\uDFFF';
// eslint-disable-next-line no-misleading-character-class -- UTF-16 code-unit ranges on purpose (no u flag): surrogate halves are name characters
const NAME_RE = new RegExp(`[${NAME_START}][${NAME_START}0-9.\\-\\u00B7\\u0300-\\u036F\\u203F\\u2040]*`, 'y');
// XML 1.0 §2.2 Char: everything else below U+0020 and the two non-characters are forbidden anywhere.
const FORBIDDEN_CHAR_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/** Replaces the five predefined entities and character references; any other reference is an error (no DTD). */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', from)) {
    out += raw.slice(from, amp);
    const semicolon = raw.indexOf(';', amp);
    if (semicolon === -1 || semicolon - amp > 12) throw corrupt('"&" that does not start a reference');
    const body = raw.slice(amp + 1, semicolon);
    out += resolveReference(body);
    from = semicolon + 1;
  }
  return out + raw.slice(from);
}

function resolveReference(body: string): string {
  const predefined = PREDEFINED_ENTITIES[body];
  if (predefined !== undefined) return predefined;
  const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
  if (!numeric) throw corrupt(`reference to undeclared entity "&${body};" (DTD entities are not processed)`);
  const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
  if (!isXmlChar(codePoint)) throw corrupt(`character reference &${body}; is not an XML character`);
  return String.fromCodePoint(codePoint);
}

interface MutableElement {
  name: string;
  localName: string;
  attributes: Map<string, string>;
  children: XmlNode[];
}

class XmlParser {
  private pos = 0;
  private elementCount = 0;

  constructor(
    private readonly text: string,
    private readonly limits: Readonly<XmlLimits>,
  ) {}

  parseDocument(): XmlElement {
    if (this.text.startsWith('<?xml') && /[ \t\n?]/.test(this.text.charAt(5))) this.skipProcessingInstruction(true);
    this.skipMisc(true);
    if (this.pos >= this.text.length) throw new EcgFormatError('TRUNCATED', 'XML: the document has no root element');
    if (this.text.charCodeAt(this.pos) !== 0x3c) throw corrupt('text before the root element');
    const root = this.parseElementTree();
    this.skipMisc(false);
    if (this.pos < this.text.length) throw corrupt('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions (and, before the root, one DOCTYPE). */
  private skipMisc(beforeRoot: boolean): void {
    let sawDoctype = false;
    for (;;) {
      this.skipWhitespace();
      const { text, pos } = this;
      if (text.startsWith('<!--', pos)) this.skipComment();
      else if (text.startsWith('<?', pos)) this.skipProcessingInstruction(false);
      else if (beforeRoot && !sawDoctype && text.startsWith('<!DOCTYPE', pos)) {
        this.skipDoctype();
        sawDoctype = true;
      } else return;
    }
  }

  private skipWhitespace(): void {
    // A char-code loop: the runs are a few characters, where a sticky regular expression's call cost dominates.
    const { text } = this;
    let pos = this.pos;
    let ch = text.charCodeAt(pos);
    while (ch === 0x20 || ch === 0x0a || ch === 0x09) ch = text.charCodeAt(++pos);
    this.pos = pos;
  }

  private readName(what: string): string {
    // ASCII names (every name the ECG dialects use) by char codes; a name that reaches a non-ASCII character is read
    // again by NAME_RE, which knows XML's full name-character ranges.
    const { text } = this;
    const start = this.pos;
    let pos = start;
    let ch = text.charCodeAt(pos);
    if (isAsciiNameStart(ch)) {
      do ch = text.charCodeAt(++pos);
      while (isAsciiNameStart(ch) || (ch >= 0x30 && ch <= 0x39) || ch === 0x2e || ch === 0x2d);
      if (!(ch >= 0x80)) {
        this.pos = pos;
        return text.slice(start, pos);
      }
    }
    NAME_RE.lastIndex = this.pos;
    const match = NAME_RE.exec(this.text);
    if (!match) throw this.atEnd() ? this.truncated(what) : corrupt(`invalid ${what}`);
    this.pos = NAME_RE.lastIndex;
    return match[0];
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private truncated(what: string): EcgFormatError {
    return new EcgFormatError('TRUNCATED', `XML: the document ends inside ${what}`);
  }

  private skipComment(): void {
    const end = this.text.indexOf('-->', this.pos + 4);
    if (end === -1) throw this.truncated('a comment');
    // XML 1.0 §2.5: "--" must not occur inside a comment.
    if (this.text.slice(this.pos + 4, end).includes('--')) throw corrupt('"--" inside a comment');
    this.pos = end + 3;
  }

  private skipProcessingInstruction(isDeclaration: boolean): void {
    this.pos += 2;
    const target = this.readName('processing instruction target');
    if (!isDeclaration && target.toLowerCase() === 'xml') throw corrupt('XML declaration not at the start');
    const end = this.text.indexOf('?>', this.pos);
    if (end === -1) throw this.truncated('a processing instruction');
    this.pos = end + 2;
  }

  /** Skips `<!DOCTYPE …>` without processing it; refuses entity declarations and parameter-entity references. */
  private skipDoctype(): void {
    const { text } = this;
    let quote = '';
    let inSubset = false;
    for (let i = this.pos + 9; i < text.length; i++) {
      const ch = text[i];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (inSubset && text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end === -1) break;
        i = end + 2;
      } else if (inSubset && (text.startsWith('<!ENTITY', i) || ch === '%')) {
        throw new EcgFormatError('UNSUPPORTED_VARIANT', 'XML: DTD entity declarations are refused (they enable entity-expansion and external-entity attacks)');
      } else if (ch === '[') inSubset = true;
      else if (ch === ']') inSubset = false;
      else if (ch === '>' && !inSubset) {
        this.pos = i + 1;
        return;
      }
    }
    throw this.truncated('the DOCTYPE');
  }

  /** Parses the root element and everything inside it, iteratively. */
  private parseElementTree(): XmlElement {
    const { text } = this;
    const stack: MutableElement[] = [];
    let root: MutableElement | undefined;
    do {
      if (!root) {
        root = this.parseStartTag(stack);
        continue;
      }
      const parent = stack[stack.length - 1];
      const lt = text.indexOf('<', this.pos);
      if (lt === -1) throw this.truncated(`element <${parent.name}>`);
      if (lt > this.pos) this.addText(parent, text.slice(this.pos, lt));
      this.pos = lt;
      if (text.startsWith('</', lt)) this.parseEndTag(stack);
      else if (text.startsWith('<!--', lt)) this.skipComment();
      else if (text.startsWith('<![CDATA[', lt)) this.parseCdata(parent);
      else if (text.startsWith('<?', lt)) this.skipProcessingInstruction(false);
      else if (text.startsWith('<!', lt)) throw corrupt('markup declaration inside an element');
      else this.parseStartTag(stack);
    } while (stack.length > 0);
    return root as XmlElement;
  }

  private addText(parent: MutableElement, raw: string): void {
    if (raw.includes(']]>')) throw corrupt('"]]>" in text');
    parent.children.push(decodeEntities(raw));
  }

  private parseCdata(parent: MutableElement): void {
    const start = this.pos + 9;
    const end = this.text.indexOf(']]>', start);
    if (end === -1) throw this.truncated('a CDATA section');
    parent.children.push(this.text.slice(start, end));
    this.pos = end + 3;
  }

  private parseEndTag(stack: MutableElement[]): void {
    this.pos += 2;
    const name = this.readName('end tag name');
    this.skipWhitespace();
    if (this.atEnd()) throw this.truncated(`end tag </${name}>`);
    if (this.text.charCodeAt(this.pos) !== 0x3e) throw corrupt(`malformed end tag </${name}>`);
    this.pos++;
    const open = stack.pop();
    if (!open || open.name !== name) throw corrupt(`end tag </${name}> does not match <${open?.name ?? ''}>`);
  }

  private parseStartTag(stack: MutableElement[]): MutableElement {
    this.pos++;
    const name = this.readName('element name');
    if (stack.length + 1 > this.limits.maxDepth) {
      throw new EcgFormatError('TOO_LARGE', `XML: elements nested deeper than ${this.limits.maxDepth} levels`);
    }
    if (++this.elementCount > this.limits.maxElements) {
      throw new EcgFormatError('TOO_LARGE', `XML: more than ${this.limits.maxElements} elements`);
    }
    const element: MutableElement = { name, localName: localPart(name), attributes: new Map(), children: [] };
    const selfClosing = this.parseAttributes(element);
    stack[stack.length - 1]?.children.push(element);
    if (!selfClosing) stack.push(element);
    return element;
  }

  /** Returns true for `/>`. */
  private parseAttributes(element: MutableElement): boolean {
    const { text } = this;
    for (;;) {
      const before = this.pos;
      this.skipWhitespace();
      if (this.atEnd()) throw this.truncated(`start tag <${element.name}>`);
      const ch = text.charCodeAt(this.pos);
      if (ch === 0x3e) {
        this.pos++;
        return false;
      }
      if (ch === 0x2f) {
        if (text.charCodeAt(this.pos + 1) !== 0x3e) throw this.atEndAfter(1) ?? corrupt(`stray "/" in <${element.name}>`);
        this.pos += 2;
        return true;
      }
      if (this.pos === before) throw corrupt(`attributes of <${element.name}> must be separated by whitespace`);
      this.parseAttribute(element);
    }
  }

  private atEndAfter(offset: number): EcgFormatError | undefined {
    return this.pos + offset >= this.text.length ? this.truncated('a start tag') : undefined;
  }

  private parseAttribute(element: MutableElement): void {
    const { text } = this;
    const name = this.readName(`attribute name in <${element.name}>`);
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) !== 0x3d) throw this.atEnd() ? this.truncated('an attribute') : corrupt(`attribute ${name} has no "="`);
    this.pos++;
    this.skipWhitespace();
    const quote = text[this.pos];
    if (quote !== '"' && quote !== "'") throw this.atEnd() ? this.truncated('an attribute') : corrupt(`attribute ${name} is not quoted`);
    const end = text.indexOf(quote, this.pos + 1);
    if (end === -1) throw this.truncated(`attribute ${name}`);
    const raw = text.slice(this.pos + 1, end);
    if (raw.includes('<')) throw corrupt(`"<" in the value of attribute ${name}`);
    this.pos = end + 1;
    if (element.attributes.has(name)) throw corrupt(`attribute ${name} repeated in <${element.name}>`);
    if (element.attributes.size >= this.limits.maxAttributes) {
      throw new EcgFormatError('TOO_LARGE', `XML: more than ${this.limits.maxAttributes} attributes on <${element.name}>`);
    }
    // XML 1.0 §3.3.3 attribute-value normalisation (literal white space becomes a space).
    element.attributes.set(name, decodeEntities(raw.includes('\n') || raw.includes('\t') ? raw.replace(/[\t\n]/g, ' ') : raw));
  }
}

/** A–Z, a–z, "_" and ":": the ASCII characters that may start an XML name. */
function isAsciiNameStart(ch: number): boolean {
  return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || ch === 0x5f || ch === 0x3a;
}

function localPart(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** Parses already-decoded XML text. */
export function parseXmlText(source: string, limits: Readonly<XmlLimits> = DEFAULT_XML_LIMITS): XmlElement {
  return parseCheckedText(source, limits, true);
}

function parseCheckedText(source: string, limits: Readonly<XmlLimits>, checkCharacters: boolean): XmlElement {
  // XML 1.0 §2.11: every CR LF pair and lone CR reads as LF.
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (checkCharacters && FORBIDDEN_CHAR_RE.test(text)) throw corrupt('control character that XML forbids');
  return new XmlParser(text, limits).parseDocument();
}

/** Decodes and parses an XML document; throws EcgFormatError (CORRUPT, TRUNCATED, TOO_LARGE, UNSUPPORTED_VARIANT). */
export function parseXml(bytes: Uint8Array, limits: Partial<XmlLimits> = {}): XmlElement {
  const effective = { ...DEFAULT_XML_LIMITS, ...limits };
  const { text, asciiBody } = decodeXml(bytes, effective);
  if (asciiBody && hasForbiddenByte(asciiBody)) throw corrupt('control character that XML forbids');
  return parseCheckedText(text, effective, asciiBody === undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Sniffing: cheap, lenient, never throws

/**
 * Local name of the first element in a document's leading bytes (after the declaration, comments, PIs and
 * DOCTYPE), or undefined when there is none in view. Used by readers to recognise their format by content.
 */
export function sniffRootElement(head: Uint8Array): string | undefined {
  try {
    const detected = detectEncoding(head);
    const limit = Math.min(head.length, 64 * 1024);
    const decoder = new TextDecoder(detected.certain ? detected.label : 'latin1');
    // Each reader sniffs in turn, and decoding the whole 64 KB head each time cost more than reading a small file:
    // the root element is nearly always in the first kilobyte, so the head is decoded in growing prefixes. A
    // prefix's text equals the whole head's up to its last character, so an answer found before that is the same.
    for (let end = Math.min(limit, detected.bomLength + 1024); ; end = Math.min(limit, end * 8)) {
      const complete = end >= limit;
      const found = rootElementIn(decoder.decode(head.subarray(detected.bomLength, end)), complete);
      if (found !== MORE || complete) return found === MORE ? undefined : found;
    }
  } catch {
    return undefined;
  }
}

const MORE = Symbol('more text needed');

/** The root element's local name in `text`, or MORE when the text ends before it is known (and is not the whole head). */
function rootElementIn(text: string, complete: boolean): string | undefined | typeof MORE {
  let pos = 0;
  for (let guard = 0; guard < 1000 && pos < text.length; guard++) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) return complete ? undefined : MORE;
    if (text.startsWith('<!--', lt)) pos = skipPast(text, '-->', lt + 4);
    else if (text.startsWith('<?', lt)) pos = skipPast(text, '?>', lt + 2);
    else if (text.startsWith('<!', lt)) pos = skipPast(text, '>', lt + 2);
    else {
      // A name that reaches the end of a prefix may go on (or end in a character cut in half): ask for more.
      if (!complete && lt + 1 >= text.length - 1) return MORE;
      NAME_RE.lastIndex = lt + 1;
      const match = NAME_RE.exec(text);
      if (!complete && match && match.index + match[0].length >= text.length) return MORE;
      return match ? localPart(match[0]) : undefined;
    }
  }
  if (!complete && pos >= text.length) return MORE;
  return undefined;
}

function skipPast(text: string, terminator: string, from: number): number {
  const end = text.indexOf(terminator, from);
  return end === -1 ? text.length : end + terminator.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Navigation helpers (by local name, namespace-agnostic)

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** Child elements, optionally only those with the given local name. */
export function childElements(element: XmlElement, localName?: string): XmlElement[] {
  const result: XmlElement[] = [];
  for (const child of element.children) {
    if (isElement(child) && (localName === undefined || child.localName === localName)) result.push(child);
  }
  return result;
}

export function firstChild(element: XmlElement | undefined, localName: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const child of element.children) {
    if (isElement(child) && child.localName === localName) return child;
  }
  return undefined;
}

/** Follows a path of child local names: `childPath(root, 'dataacquisition', 'signalcharacteristics')`. */
export function childPath(element: XmlElement | undefined, ...localNames: string[]): XmlElement | undefined {
  let current = element;
  for (const name of localNames) current = firstChild(current, name);
  return current;
}

/** All descendants with the given local name, in document order (iterative: deep trees cannot overflow the stack). */
export function descendants(element: XmlElement, localName: string): XmlElement[] {
  const result: XmlElement[] = [];
  const stack: XmlElement[] = [element];
  while (stack.length > 0) {
    const current = stack.pop() as XmlElement;
    // Children pushed in reverse straight from the node list (no array per element): document order is kept.
    const children = current.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (isElement(child)) stack.push(child);
    }
    if (current !== element && current.localName === localName) result.push(current);
  }
  return result;
}

/** Concatenated text and CDATA directly inside the element. */
export function ownText(element: XmlElement | undefined): string {
  if (!element) return '';
  let text = '';
  for (const child of element.children) if (typeof child === 'string') text += child;
  return text;
}

/** Trimmed own text, or undefined when empty. */
export function textValue(element: XmlElement | undefined): string | undefined {
  const text = ownText(element).trim();
  return text === '' ? undefined : text;
}

/** Attribute by exact name, else by local name whatever its prefix (`xsi:type` found as `type`). */
export function attribute(element: XmlElement | undefined, name: string): string | undefined {
  if (!element) return undefined;
  const exact = element.attributes.get(name);
  if (exact !== undefined) return exact;
  for (const [key, value] of element.attributes) if (localPart(key) === name) return value;
  return undefined;
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };
// Characters XML 1.0 cannot carry at all, even as references (and lone surrogates, which no encoder can write).
const UNREPRESENTABLE_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes characters that no XML 1.0 document can hold. */
export function xmlSafe(text: string): string {
  return text.replace(UNREPRESENTABLE_RE, '');
}

/** Escapes element content so that it reads back unchanged (CR survives end-of-line normalisation). */
export function escapeXmlText(text: string): string {
  return xmlSafe(text).replace(/[<>&\r]/g, (ch) => TEXT_ESCAPES[ch]);
}

/** Escapes a double-quoted attribute value so that it reads back unchanged (tabs and newlines survive normalisation). */
export function escapeXmlAttribute(text: string): string {
  return xmlSafe(text).replace(/[<>&"\t\n\r]/g, (ch) => ATTRIBUTE_ESCAPES[ch]);
}
