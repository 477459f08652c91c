// The configuration file's shape (`gatehouse export` writes it, `gatehouse import` reads it): version 1, clients
// (settings, optionally their secret's SHA-256, and the permissions they registered), custom system roles, and
// teams (name, slug, the built-in Manager and Developer permission sets, custom roles). Never people: members,
// invitations and users are data, not configuration. Objects are strict, so a misspelt key is refused, not ignored.
// The rules behind the shape (URIs, grants, names) are the use cases' own and are checked in validate.ts.
import { parseDocument } from "yaml";
import { z } from "zod";

export const CONFIG_VERSION = 1;

const strings = z.array(z.string());
const clientPermission = z.strictObject({
  code: z.string(),
  label: z.string(),
  tab: z.string(),
  defaultRoles: z.array(z.enum(["manager", "developer"])).default([]),
});

const clientEntry = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(["confidential", "public"]),
  /** SHA-256 (base64url) of the client secret: only in an export made with --with-secret-hashes */
  secretHash: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "a SHA-256 digest in base64url (43 characters), as --with-secret-hashes exports it")
    .optional(),
  redirectUris: strings.default([]),
  postLogoutRedirectUris: strings.default([]),
  grantTypes: strings.optional(),
  scope: z.string().optional(),
  resources: strings.default([]),
  firstParty: z.boolean().default(false),
  backchannelLogoutUri: z.string().nullable().default(null),
  permissionNamespace: z.string().nullable().default(null),
  idTokenSigningAlg: z.string().nullable().default(null),
  endsWithSession: z.boolean().default(false),
  offlineAccessWithoutPrompt: z.boolean().default(false),
  /** what the client registered through PUT /api/v1/permissions (in its namespace) */
  permissions: z.array(clientPermission).default([]),
});

const systemRoleEntry = z.strictObject({ key: z.string(), name: z.string(), permissions: strings });

const teamRoleEntry = z.strictObject({
  key: z.string(),
  /** custom roles only: Manager and Developer keep their names */
  name: z.string().optional(),
  permissions: strings,
});

const teamEntry = z.strictObject({ slug: z.string(), name: z.string(), roles: z.array(teamRoleEntry).default([]) });

export const configDocument = z.strictObject({
  version: z.literal(CONFIG_VERSION, `the version of this file format; this Gatehouse reads ${CONFIG_VERSION}`),
  clients: z.array(clientEntry).default([]),
  systemRoles: z.array(systemRoleEntry).default([]),
  teams: z.array(teamEntry).default([]),
});

export type ConfigDocument = z.output<typeof configDocument>;
export type ClientEntry = ConfigDocument["clients"][number];
export type TeamEntry = ConfigDocument["teams"][number];
export type ConfigFormat = "yaml" | "json";

/** one problem of a file: where (clients[2].redirectUris[0]) and what */
export type ConfigProblem = { path: string; message: string };

export const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    "",
  ) || "(file)";

/** JSON when the file says so (its name, or its first character), YAML otherwise (YAML reads JSON too) */
export function detectFormat(text: string, fileName?: string): ConfigFormat {
  if (fileName && /\.json$/i.test(fileName)) return "json";
  if (fileName && /\.ya?ml$/i.test(fileName)) return "yaml";
  return /^\s*[{[]/.test(text) ? "json" : "yaml";
}

/** "line 3, column 5" of an offset in the text */
function where(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** the file as a document, or every problem of its syntax and shape (with paths) */
export function parseConfig(
  text: string,
  format: ConfigFormat,
): { ok: true; document: ConfigDocument } | { ok: false; problems: ConfigProblem[] } {
  let raw: unknown;
  if (format === "json") {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { ok: false, problems: [{ path: "(file)", message: `not valid JSON: ${(err as Error).message}` }] };
    }
  } else {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length) {
      return {
        ok: false,
        problems: doc.errors.map((e) => ({
          path: "(file)",
          message: `not valid YAML: ${e.message.split("\n")[0]} (${where(text, e.pos[0])})`,
        })),
      };
    }
    raw = doc.toJS({ maxAliasCount: 100 });
  }
  const parsed = configDocument.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })) };
  return { ok: true, document: parsed.data };
}
