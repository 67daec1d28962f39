/**
 * Rows crossing from the parsing worker to the main thread, packed: cell
 * kinds and numbers in two typed arrays (copied as one block each) and the
 * part's distinct strings once, so the main thread allocates little beyond
 * the row objects themselves (a 50,000-row sheet repeats a few hundred codes
 * and periods; cloned cell by cell, each copy would be garbage to collect).
 */
import type { ImportColumn } from '../columns.ts';

const UNDEFINED = 0;
const NULL = 1;
const NUMBER = 2;
const STRING = 3;
const TRUE = 4;
const FALSE = 5;

export interface PackedRows {
  numbers: Int32Array;
  kinds: Uint8Array;
  values: Float64Array;
  strings: string[];
}

/** Pack rows `from` to `to` of cells laid out `width` a row. */
export function packRows(numbers: readonly number[], cells: readonly unknown[], width: number, from: number, to: number): PackedRows {
  const count = (to - from) * width;
  const kinds = new Uint8Array(count);
  const values = new Float64Array(count);
  const strings: string[] = [];
  const index = new Map<string, number>();
  for (let k = 0; k < count; k++) {
    const cell = cells[from * width + k];
    if (typeof cell === 'number') {
      kinds[k] = NUMBER;
      values[k] = cell;
    } else if (typeof cell === 'string') {
      let at = index.get(cell);
      if (at === undefined) index.set(cell, (at = strings.push(cell) - 1));
      kinds[k] = STRING;
      values[k] = at;
    } else if (cell === null) kinds[k] = NULL;
    else if (cell === true) kinds[k] = TRUE;
    else if (cell === false) kinds[k] = FALSE;
    else kinds[k] = UNDEFINED;
  }
  return { numbers: Int32Array.from(numbers.slice(from, to)), kinds, values, strings };
}

/** The typed arrays' buffers, to transfer rather than copy. */
export const transferables = (packed: PackedRows): ArrayBuffer[] => [packed.numbers.buffer as ArrayBuffer, packed.kinds.buffer as ArrayBuffer, packed.values.buffer as ArrayBuffer];

/**
 * What every row inherits: nothing. An empty, frozen object without a
 * prototype, so a row has no `__proto__` accessor, no `constructor`, no
 * `toString`, and no header can reach Object.prototype. Rows made with
 * Object.create(null) itself are the same to every reader, but V8 keeps
 * each in dictionary mode: 50,000 of them measured 29 MB and 5-20x the time
 * to build, against 11 MB and the cost of plain objects from this
 * prototype, and that garbage is what stalls the event loop.
 */
export const ROW_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** Unpack into rows that inherit nothing (ROW_PROTOTYPE), appending them and their Excel row numbers. */
export function unpackRows(packed: PackedRows, columns: readonly ImportColumn[], data: unknown[], rowNumbers: number[]): void {
  const width = columns.length;
  const { kinds, values, strings } = packed;
  for (let i = 0; i < packed.numbers.length; i++) {
    const row = Object.create(ROW_PROTOTYPE) as Record<string, unknown>;
    for (let j = 0; j < width; j++) {
      const k = i * width + j;
      const kind = kinds[k];
      row[columns[j]!] =
        kind === NUMBER ? values[k] : kind === STRING ? strings[values[k]!] : kind === NULL ? null : kind === TRUE ? true : kind === FALSE ? false : undefined;
    }
    data.push(row);
    rowNumbers.push(packed.numbers[i]!);
  }
}
