// `gatehouse branding show|set`: the instance's branding (#18, services/branding.ts) from the command line, the
// same use case as /admin/branding and PUT /api/v1/admin/branding, audited as branding.updated via "cli". An
// empty value ("") goes back to the BRAND_* default. A running server shows a change within 30 seconds.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { CATALOGUE } from "../lib/error-catalogue.ts";
import type { BrandingView } from "../services/branding.ts";
import { withCliContext, CliError } from "./context.ts";

const ACTOR = { actorId: "cli" };

function print(b: BrandingView, out: (line: string) => void) {
  const row = (label: string, value: string | null, fallback: string | null = null) =>
    out(`${label.padEnd(14)} ${value ?? (fallback === null ? "(none)" : `(default: ${fallback})`)}`);
  row("product name:", b.productName, b.defaults.productName);
  row("primary color:", b.primaryColor, b.defaults.primaryColor ?? "built-in");
  row("logo:", b.logoUrl, b.defaults.logoUrl ?? "built-in");
  row("support:", b.supportUrl);
  row("terms:", b.termsUrl);
  row("privacy:", b.privacyUrl);
}

function fileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`);
  }
}

export function registerBrandingCommands(program: Command, out: (line: string) => void) {
  const branding = program
    .command("branding")
    .description("the product name, logo, colour and links of the pages and emails (also at /admin/branding)");

  branding
    .command("show")
    .description("the stored branding and the defaults it falls back to")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const view = await services.branding.view();
        if (opts.json) return out(JSON.stringify(view));
        print(view, out);
      }),
    );

  branding
    .command("set")
    .description('change what the options name ("" = back to the default)')
    .option("--name <name>", "the product name")
    .option("--color <#rrggbb>", "the primary colour")
    .option("--support-url <url>", "https:// or mailto:")
    .option("--terms-url <url>", "https://")
    .option("--privacy-url <url>", "https://")
    .option("--logo <file>", "a PNG, JPEG or WebP file of at most 256 KB")
    .option("--remove-logo", "drop the uploaded logo")
    .option("--json", "print JSON")
    .action((opts: Record<string, string | boolean | undefined>) =>
      withCliContext(async ({ services }) => {
        const text = (v: unknown) => (typeof v === "string" ? v : undefined);
        const input = {
          productName: text(opts.name),
          primaryColor: text(opts.color),
          supportUrl: text(opts.supportUrl),
          termsUrl: text(opts.termsUrl),
          privacyUrl: text(opts.privacyUrl),
          removeLogo: opts.removeLogo === true ? true : undefined,
          ...(typeof opts.logo === "string" ? { logo: fileBytes(opts.logo) } : {}),
        };
        if (Object.values(input).every((v) => v === undefined))
          throw new CliError("nothing to change: name at least one setting (see --help)");
        const result = await services.branding.update(ACTOR, "cli", input);
        if (!result.ok)
          throw new CliError(result.message ? `${CATALOGUE[result.code].message} (${result.message})` : CATALOGUE[result.code].message);
        if (opts.json) return out(JSON.stringify(result.branding));
        out("Branding saved (a running server shows it within 30 seconds).");
        print(result.branding, out);
      }),
    );
}
