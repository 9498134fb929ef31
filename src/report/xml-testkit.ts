/**
 * A strict little XML 1.0 reader for the tests (no dependency): it throws on anything a conforming
 * parser would reject — unbalanced or misnamed tags, unquoted or duplicate attributes, a raw `<`
 * in an attribute, an `&` that is not a known entity, characters XML does not allow, two roots.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*$/;
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, where: string): string {
  return s.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`${where}: bare '&'`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const num = /^#(x[0-9a-fA-F]+|\d+)$/.exec(ref)?.[1];
    if (num === undefined) throw new Error(`${where}: unknown entity ${m}`);
    const code = num.startsWith('x') ? Number.parseInt(num.slice(1), 16) : Number(num);
    const ch = String.fromCodePoint(code);
    if (INVALID_CHAR.test(ch)) throw new Error(`${where}: character reference to a forbidden character`);
    return ch;
  });
}

export function parseXml(xml: string): XmlElement {
  if (INVALID_CHAR.test(xml)) throw new Error('a character XML does not allow');
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text) {
      if (text.includes('>') && /]]>/.test(text)) throw new Error("']]>' in text");
      const top = stack[stack.length - 1];
      if (!top) {
        if (text.trim()) throw new Error(`text outside the root: ${text.slice(0, 20)}`);
      } else top.text += decode(text, `text in <${top.name}>`);
    }
    if (lt === -1) break;
    rest = rest.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end === -1) throw new Error('unclosed comment');
      rest = rest.slice(end + 3);
      continue;
    }
    const gt = rest.indexOf('>');
    if (gt === -1) throw new Error('unclosed tag');
    const tag = rest.slice(1, gt);
    rest = rest.slice(gt + 1);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = /^\S+/.exec(body)?.[0] ?? '';
    if (!NAME.test(name)) throw new Error(`bad element name '${name}'`);
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    let attrText = body.slice(name.length);
    const attr = /^\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/;
    for (let m = attr.exec(attrText); m; m = attr.exec(attrText)) {
      const [all, key = '', , dq, sq] = m;
      if (!NAME.test(key)) throw new Error(`bad attribute name '${key}'`);
      if (key in el.attrs) throw new Error(`duplicate attribute ${key} on <${name}>`);
      const raw = dq ?? sq ?? '';
      if (raw.includes('<')) throw new Error(`'<' in attribute ${key}`);
      el.attrs[key] = decode(raw, `attribute ${key} of <${name}>`);
      attrText = attrText.slice(all.length);
    }
    if (attrText.trim())
      throw new Error(`malformed attributes in <${name}>: ${attrText.trim().slice(0, 30)}`);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error('a second root element');
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

export function all(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}
