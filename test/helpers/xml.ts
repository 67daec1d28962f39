/** XML well-formedness, checked by the tests' own parser. */
/**
 * XML 1.0 well-formedness (W3C XML 1.0, 2.2 Char, 2.4 CharData, 2.5
 * Comments, 2.7 CDATA, 3.1 tags), enough for what the service writes: the
 * test's own parser, so that it does not share a fault with resvg or Vega.
 * Answers the first fault, or null.
 */
export function xmlFault(xml: string): string | null {
  let offset = 0;
  for (const ch of xml) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return `not an XML character U+${c.toString(16).toUpperCase()} at ${offset}`;
    offset += ch.length;
  }
  const NAME = '[A-Za-z_:][A-Za-z0-9_:.-]*';
  const refsOk = (text: string) => /^(?:[^&<]|&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)*$/.test(text);
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const declaration = /^\uFEFF?<\?xml[^?]*\?>/.exec(xml);
  if (declaration) i = declaration[0].length;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (!refsOk(text) || text.includes(']]>')) return `bad character data at ${i}: ${JSON.stringify(text.slice(0, 40))}`;
    if (stack.length === 0 && text.trim() !== '') return `text outside the root at ${i}`;
    if (lt === -1) break;
    const rest = xml.slice(lt);
    let m: RegExpExecArray | null;
    if (rest.startsWith('<!--')) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1 || xml.slice(lt + 4, end).includes('--')) return `bad comment at ${lt}`;
      i = end + 3;
    } else if (rest.startsWith('<![CDATA[')) {
      const end = xml.indexOf(']]>', lt);
      if (end === -1 || stack.length === 0) return `bad CDATA at ${lt}`;
      i = end + 3;
    } else if (rest.startsWith('<?')) {
      const end = xml.indexOf('?>', lt);
      if (end === -1) return `bad processing instruction at ${lt}`;
      i = end + 2;
    } else if (rest.startsWith('<!DOCTYPE')) {
      i = xml.indexOf('>', lt) + 1;
    } else if ((m = new RegExp(`^</(${NAME})\\s*>`).exec(rest))) {
      if (stack.pop() !== m[1]) return `</${m[1]}> closes nothing open at ${lt}`;
      i = lt + m[0].length;
    } else if ((m = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`).exec(rest))) {
      const names = new Set<string>();
      for (const a of m[2]!.matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
        if (names.has(a[1]!)) return `attribute ${a[1]} twice at ${lt}`;
        names.add(a[1]!);
        if (!refsOk(a[2] ?? a[3] ?? '')) return `bad attribute value ${a[1]} at ${lt}`;
      }
      if (stack.length === 0 && ++roots > 1) return `a second root element at ${lt}`;
      if (m[3] !== '/') stack.push(m[1]!);
      i = lt + m[0].length;
    } else {
      return `not markup at ${lt}: ${JSON.stringify(rest.slice(0, 40))}`;
    }
  }
  return stack.length > 0 ? `<${stack.at(-1)}> is never closed` : roots === 1 ? null : 'no root element';
}
