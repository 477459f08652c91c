// Writes docs/configuration.md from src/config/schema.ts, so the settings reference cannot drift from the code.
//   npm run docs:config             regenerate docs/configuration.md
//   npm run docs:config -- --check  exit 1 if docs/configuration.md differs from what would be generated
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { settings } from "../src/config/schema.ts";
import { SECRET_SETTINGS } from "../src/config/secret-files.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONFIGURATION_DOC = path.resolve(here, "../docs/configuration.md");

const PRODUCTION_REQUIRED = ["ISSUER", "DATABASE_URL", "REDIS_URL", "COOKIE_KEYS", "MASTER_KEY"] as const;
const NONE = "—";

/** The value a setting takes when its variable is unset, as shown in the table ("—" when there is none). */
export function describeDefault(schema: z.ZodType): string {
  const result = schema.safeParse(undefined);
  if (!result.success) return NONE; // required: no default
  const value: unknown = result.data;
  if (value === undefined || value === null) return NONE; // optional
  if (Array.isArray(value)) return value.length ? code(value.map(String).join(",")) : NONE;
  if (typeof value === "boolean") return code(value ? "true" : "false");
  return code(String(value));
}

function code(text: string): string {
  return text === "" ? '`""`' : `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

export function renderConfigurationDoc(): string {
  const rows = Object.entries(settings).map(
    ([name, { schema, doc }]) => `| \`${name}\` | ${cell(describeDefault(schema as z.ZodType))} | ${cell(doc)} |`,
  );
  return [
    "# Configuration",
    "",
    "<!-- Generated from src/config/schema.ts by `npm run docs:config`; edit the schema, not this file. -->",
    "",
    "Gatehouse reads all of its settings from environment variables. They are validated with zod when the process",
    "starts: a missing or bad value stops the process with a message that names the setting and says what it",
    "expects. An empty variable counts as unset.",
    "",
    "In development (`NODE_ENV=development`, the default) secrets that are not set (`COOKIE_KEYS`, `MASTER_KEY`)",
    "are generated once into `DATA_DIR/secrets.json` and reused on every start; without `DATABASE_URL` an embedded",
    "PGlite runs in `DATA_DIR`, and without `REDIS_URL` an in-process store is used.",
    "",
    "In production (`NODE_ENV=production`) nothing is generated or embedded, and these settings are required:",
    `${PRODUCTION_REQUIRED.map((n) => (n === "ISSUER" ? "`ISSUER` (an `https://` URL)" : `\`${n}\``)).join(", ")}.`,
    "",
    `Secrets can come from files instead (a mounted Kubernetes or Docker secret): ${SECRET_SETTINGS.map((n) => `\`${n}_FILE\``).join(", ")}`,
    "name a file whose content (without its trailing line break) is the setting's value. Setting both `NAME` and",
    "`NAME_FILE`, or naming a file that cannot be read, stops the process with a message.",
    "",
    "`config/example.env` lists every setting with a production example value.",
    "",
    "| Setting | Default | Description |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

function main(argv: string[]): number {
  const expected = renderConfigurationDoc();
  const relative = path.relative(process.cwd(), CONFIGURATION_DOC) || CONFIGURATION_DOC;
  if (argv.includes("--check")) {
    let current: string | undefined;
    try {
      current = readFileSync(CONFIGURATION_DOC, "utf8");
    } catch {
      current = undefined;
    }
    if (current === expected) {
      console.log(`${relative} is up to date.`);
      return 0;
    }
    console.error(
      `${relative} is ${current === undefined ? "missing" : "out of date"} (settings are defined in src/config/schema.ts). Run: npm run docs:config`,
    );
    return 1;
  }
  writeFileSync(CONFIGURATION_DOC, expected);
  console.log(`Wrote ${relative} (${Object.keys(settings).length} settings).`);
  return 0;
}

function runDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (runDirectly()) process.exitCode = main(process.argv.slice(2));
