// Formula-safe CSV cells (OWASP CSV injection) and RFC 4180 quoting, read back with csv-parse.
import { describe, it, expect } from "vitest";
import { parse } from "csv-parse/sync";
import { csvLine, csvLines, safeCell, CSV_BOM } from "../../src/lib/csv.ts";

const readBack = (text: string) => parse(text, { bom: true, relax_column_count: false }) as string[][];

describe("safeCell", () => {
  it.each([
    ['=HYPERLINK("http://evil.test","click")', '\'=HYPERLINK("http://evil.test","click")'],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["＝1+1", "'＝1+1"],
  ])("neutralises %j", (input, expected) => {
    expect(safeCell(input)).toBe(expected);
  });

  it("leaves ordinary text, a formula character later in the text, and empty cells alone", () => {
    expect(safeCell("login.failed")).toBe("login.failed");
    expect(safeCell("a=b+c-d@e")).toBe("a=b+c-d@e");
    expect(safeCell("")).toBe("");
    expect(safeCell(null)).toBe("");
    expect(safeCell(undefined)).toBe("");
    expect(safeCell(42)).toBe("42");
    expect(safeCell(-1)).toBe("'-1");
  });

  it("writes dates as ISO 8601", () => {
    expect(safeCell(new Date("2026-12-01T10:00:00.123Z"))).toBe("2026-12-01T10:00:00.123Z");
  });
});

describe("csvLine / csvLines", () => {
  it("quotes commas, quotes and newlines (RFC 4180) and ends lines with CRLF", () => {
    const line = csvLine(["a,b", 'say "hi"', "two\nlines", "plain"]);
    expect(line).toBe('"a,b","say ""hi""","two\nlines",plain\r\n');
    expect(readBack(line)).toEqual([["a,b", 'say "hi"', "two\nlines", "plain"]]);
  });

  it("keeps unicode as is and survives a BOM-prefixed file", () => {
    const text =
      CSV_BOM +
      csvLine(["time", "name"]) +
      csvLines([
        ["2026-12-01", "Zoë 🛡️ 東京"],
        ["x", "Ünïcødé, quoted"],
      ]);
    expect(readBack(text)).toEqual([
      ["time", "name"],
      ["2026-12-01", "Zoë 🛡️ 東京"],
      ["x", "Ünïcødé, quoted"],
    ]);
  });

  it("a neutralised formula that also needs quoting reads back as the apostrophe-prefixed text", () => {
    const text = csvLines([['=HYPERLINK("http://evil.test?a,b","x")', "\r=1+1", "-2,3"]]);
    expect(readBack(text)).toEqual([['\'=HYPERLINK("http://evil.test?a,b","x")', "'\r=1+1", "'-2,3"]]);
    for (const cell of readBack(text)[0]!) expect(cell.startsWith("'")).toBe(true);
  });

  it("keeps leading and trailing spaces by quoting them", () => {
    expect(csvLine([" padded "])).toBe('" padded "\r\n');
  });

  it("an empty batch is no text", () => {
    expect(csvLines([])).toBe("");
  });
});
