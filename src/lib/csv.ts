// CSV for exports that people open in spreadsheets: every cell is made formula-safe (OWASP "CSV Injection": a
// cell starting with = + - @ tab or carriage return gets a leading apostrophe, so Excel/LibreOffice/Sheets show
// it as text instead of running it; the full-width ＝ ＋ － ＠ some spreadsheets also accept are treated alike),
// then quoted by csv-stringify (RFC 4180: a cell with a comma, quote, CR or LF is quoted, quotes doubled).
// Lines end with CRLF; a file starts with a UTF-8 byte-order mark so Excel reads non-ASCII text correctly.
import { stringify, type Options } from "csv-stringify/sync";

export type CsvValue = string | number | boolean | Date | null | undefined;

/** the UTF-8 byte-order mark a CSV file starts with */
export const CSV_BOM = "\uFEFF";

// quote_record_delimiter: with a custom record_delimiter csv-stringify would otherwise leave a cell's own CR or LF
// unquoted (the row would split in two when read back)
const OPTIONS: Options = { record_delimiter: "\r\n", quote_record_delimiter: true, quoted_match: /^\s|\s$/ };

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** a cell as text, neutralised: null/undefined -> "", Date -> ISO 8601, a leading formula character -> "'" + text */
export function safeCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** one CSV line (CRLF-terminated) of formula-safe, quoted cells */
export function csvLine(cells: readonly CsvValue[]): string {
  return stringify([cells.map(safeCell)], OPTIONS);
}

/** several lines at once (one csv-stringify call: cheaper for batches) */
export function csvLines(rows: readonly (readonly CsvValue[])[]): string {
  if (rows.length === 0) return "";
  return stringify(
    rows.map((r) => r.map(safeCell)),
    OPTIONS,
  );
}
