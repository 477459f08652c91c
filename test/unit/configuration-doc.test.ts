// docs/configuration.md is generated from src/config/schema.ts (npm run docs:config): it must match the schema,
// and config/example.env must mention every setting too.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it, expect } from "vitest";
import { settings } from "../../src/config/schema.ts";
import { CONFIGURATION_DOC, renderConfigurationDoc } from "../../scripts/gen-config-docs.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("docs/configuration.md", () => {
  it("is what scripts/gen-config-docs.ts generates (run `npm run docs:config` after changing the schema)", () => {
    expect(CONFIGURATION_DOC).toBe(path.join(ROOT, "docs/configuration.md"));
    expect(readFileSync(CONFIGURATION_DOC, "utf8")).toBe(renderConfigurationDoc());
  });

  it("has a table row for every setting", () => {
    const doc = renderConfigurationDoc();
    for (const name of Object.keys(settings)) expect(doc).toContain(`| \`${name}\` |`);
  });

  it("shows defaults as the schema applies them", () => {
    const doc = renderConfigurationDoc();
    expect(doc).toContain("| `PORT` | `3000` |");
    expect(doc).toContain("| `REDIS_CLUSTER` | `false` |");
    expect(doc).toContain("| `ISSUER` | — |");
    expect(doc).toContain("| `COOKIE_KEYS` | — |");
  });
});

describe("config/example.env", () => {
  it("mentions every setting", () => {
    const example = readFileSync(path.join(ROOT, "config/example.env"), "utf8");
    for (const name of Object.keys(settings)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });
});
