/**
 * Lists of names in words: 临海市、温岭市; a list cut short says how many in
 * all (…等15个, …等15个地区), as chart footnotes and report lines name the
 * peers they leave out.
 */

/** Names listed in one clause: 临海市、温岭市. */
export const LIST_SEPARATOR = '、';

/** Names joined, and when fewer are named than there are, how many in all: 甲、乙等15个 (`noun` after 个: 等15个地区). */
export function namedList(named: readonly string[], total: number, noun = ''): string {
  return `${named.join(LIST_SEPARATOR)}${total > named.length ? `等${total}个${noun}` : ''}`;
}

/** Regions, counted: 等15个地区. */
export const REGIONS_NOUN = '地区';
