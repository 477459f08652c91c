// parseUsersCsv (the import-users file reader): header names in any case, quoted fields, line numbers, and a
// clear operator error for unknown columns, a missing email column or malformed CSV.
import { describe, it, expect } from "vitest";
import { parseUsersCsv } from "../../src/cli/user-commands.ts";
import { CliError } from "../../src/cli/context.ts";

describe("parseUsersCsv", () => {
  it("reads rows with their line numbers, any header case, quotes, a BOM and blank lines", () => {
    const rows = parseUsersCsv('\uFEFFEMAIL, Name ,team\n\na@example.test,"Doe, Ann",core\n b@example.test ,,\n');
    expect(rows).toEqual([
      { line: 3, email: "a@example.test", name: "Doe, Ann", team: "core" },
      { line: 4, email: "b@example.test", name: "", team: "" },
    ]);
  });

  it("refuses unknown columns, a header without email, and malformed CSV with a message for the operator", () => {
    expect(() => parseUsersCsv("email,password\na@example.test,x\n")).toThrow(
      new CliError('unknown column(s) "password"; the columns are email, username, name, team, role'),
    );
    expect(() => parseUsersCsv("username,name\nann,Ann\n")).toThrow(/the first line must name the columns, with at least "email"/);
    expect(() => parseUsersCsv('email,name\n"a@example.test,Ann\n')).toThrow(/^the file is not valid CSV: /);
    expect(() => parseUsersCsv("email,name\na@example.test,Ann,extra\n")).toThrow(CliError);
    expect(parseUsersCsv("email\n")).toEqual([]);
  });
});
