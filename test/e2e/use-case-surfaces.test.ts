// One use case, one outcome, on every surface (#13 item 2): each row of the tables below is an admin use case
// (services/) that the admin pages (a signed-in Super Admin, CSRF), the REST API (a Super Admin's access token) and
// the CLI (a real `gatehouse` process against the same Postgres and Redis) all reach. A refusal row asserts the
// same answer everywhere — the page's status and the catalogue's words on it, the API's status, code and message,
// the CLI's exit code 2 and the same words on stderr — and that nothing changed. A success row does the action once
// per surface (each on a target of its own) and asserts the same stored result and the same audit event, whose
// data.via names the surface where the use case records one. One test app for the file; one CLI run per row and surface.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { CATALOGUE, type ErrorCode } from "../../src/lib/error-catalogue.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { gatehouseCli, type CliRun, type CliRunner } from "../helpers/cli.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { csrfTokenFor } from "../helpers/admin-csrf.ts";
import { apiClient, type Answer } from "../helpers/api.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

const NO_SUCH_USER = "00000000-0000-4000-8000-000000000000";
const GOOD_URI = "https://surfaces.example.test/cb";
const EVIL_URI = "http://evil.example.test/cb";
/** the client service's reason for EVIL_URI (services/client-uris.ts), which every surface passes on */
const HTTPS_ONLY = "must use https (http only on 127.0.0.1, [::1] or localhost)";

type Surface = "page" | "api" | "cli";
type Person = { id: string; email: string; username: string };
type Client = { id: string };

const decode = (s: string) =>
  s
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
/** whether `text` says `words` (a page starts a sentence upper-case: "Must use https", where the CLI says "must use https") */
const says = (text: string, words: string) => text.includes(words) || text.includes(words.charAt(0).toUpperCase() + words.slice(1));

describe("one admin use case, the same outcome and words on the page, the API and the CLI", () => {
  let t: TestApp;
  let api: Awaited<ReturnType<typeof apiClient>>;
  let token: string;
  let apiAdminId: string;
  let pageAdminId: string;
  let browser: TestBrowser;
  let gatehouse: CliRunner;

  beforeAll(async () => {
    t = await startTestApp();
    api = await apiClient(t, { name: "Surfaces console" });
    const apiAdmin = await api.systemRoleUser("super_admin");
    apiAdminId = apiAdmin.id;
    token = await api.apiToken(apiAdmin);
    const pageAdmin = await t.createUser();
    pageAdminId = pageAdmin.id;
    await t.app.services.systemRoles.setUserRole(pageAdmin.id, "super_admin");
    browser = new TestBrowser(t.url);
    const first = await openAccountPage(browser, t.url, "/admin/keys/rotate", {
      identifier: pageAdmin.email,
      password: pageAdmin.password,
    });
    expect(first.status).toBe(200); // a page with a form: the browser holds its CSRF cookie
    gatehouse = gatehouseCli(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** a form POST of the signed-in admin with a valid CSRF token for the screen's binding (repeatable fields) */
  async function pagePost(pathname: string, binding: string, fields: [string, string][] = []): Promise<Page> {
    const body = new URLSearchParams([["_csrf", await csrfTokenFor(t, browser, binding)], ...fields]).toString();
    return browser.go(`${t.url}${pathname}`, {
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url }, body },
    });
  }
  const call = (method: string, pathname: string, body?: unknown): Promise<Answer> => api.call(method, pathname, token, body);
  const userRow = (id: string) => t.app.db.prisma.user.findUnique({ where: { id } });
  const clientRow = (id: string) => t.app.db.prisma.oidcClient.findUnique({ where: { id } });
  /** the audit events of `type` written since `since` (ids grow), oldest first */
  const auditSince = (type: string, since: bigint) =>
    t.app.db.prisma.auditEvent.findMany({ where: { type, id: { gt: since } }, orderBy: { id: "asc" } });
  const lastAuditId = async () => (await t.app.db.prisma.auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0n;
  const actorOf: Record<Surface, () => string> = { page: () => pageAdminId, api: () => apiAdminId, cli: () => "cli" };
  const confidentialClient = async (name: string): Promise<Client> => ({
    id: (
      await t.createClient({ name, type: "confidential", redirectUris: [GOOD_URI], grantTypes: ["authorization_code", "refresh_token"] })
    ).clientId,
  });
  /** the edit form of the Clients screen as a browser sends it for `c` with `changes` (every field is on the form) */
  const clientForm = (c: NonNullable<Awaited<ReturnType<typeof clientRow>>>, changes: { name?: string; redirectUri?: string }) =>
    [
      ["name", changes.name ?? c.name],
      ["redirectUris", `${changes.redirectUri ?? c.redirectUris.join("\n")}\n`],
      ["postLogoutRedirectUris", c.postLogoutRedirectUris.join("\n")],
      ...c.grantTypes.map((g) => ["grantTypes", g]),
      ...c.resources.map((r) => ["resources", r]),
      ...(c.firstParty ? [["firstParty", "yes"]] : []),
      ["backchannelLogoutUri", c.backchannelLogoutUri ?? ""],
      ["permissionNamespace", c.permissionNamespace ?? ""],
      ["idTokenSigningAlg", c.idTokenSigningAlg ?? ""],
      ...(c.endsWithSession ? [["endsWithSession", "yes"]] : []),
      ...(c.offlineAccessWithoutPrompt ? [["offlineAccessWithoutPrompt", "yes"]] : []),
    ] as [string, string][];

  // ---------------------------------------------------------------------------------------------------------------
  // refusals: one target per row (a refusal changes nothing, so all three surfaces meet the same state)
  type Refusal<T> = {
    name: string;
    /** the status every surface's HTTP answer has */
    status: number;
    /** the API's code (the page may show the same words under a screen's own code) */
    apiCode: ErrorCode;
    /** the words every surface says: the catalogue's message of apiCode unless the row names the service's own words */
    words?: string;
    /** the CLI's words when they name its argument too ("<identifier>: <the catalogue's words>") */
    cliWords?: (target: T) => string;
    setup: () => Promise<T>;
    page: (target: T) => Promise<Page>;
    api: (target: T) => Promise<Answer>;
    cli: (target: T) => string[];
    /** nothing changed: the target as it was, and the audit since the row started */
    unchanged: (target: T, since: bigint) => Promise<void>;
  };
  const refusal = <T>(r: Refusal<T>) => r as unknown as Refusal<unknown>;

  const REFUSALS: Refusal<unknown>[] = [
    refusal<{ owner: Person; slug: string }>({
      name: "deleting a user who owns a team with other members",
      status: 409,
      apiCode: "user.owns_teams",
      async setup() {
        const owner = await t.createUser();
        const team = await createTeam(t, owner.id);
        await addMember(t, team, (await t.createUser()).id);
        return { owner, slug: team.slug };
      },
      page: ({ owner }) => pagePost(`/admin/users/${owner.id}/delete`, "admin-users", [["confirm", "yes"]]),
      api: ({ owner }) => call("DELETE", `/api/v1/users/${owner.id}`),
      cli: ({ owner }) => ["delete-user", owner.email],
      async unchanged({ owner }, since) {
        expect(await userRow(owner.id)).toMatchObject({ id: owner.id, disabled: false, deletionDueAt: null });
        // the refusal is audited alike, with the surface
        const failed = await auditSince("user.deleted", since);
        expect(failed.map((e) => [e.outcome, e.userId, e.actorId, e.data])).toEqual(
          (["page", "api", "cli"] as const).map((s) => [
            "failure",
            owner.id,
            actorOf[s](),
            { reason: "owns_teams", via: s === "page" ? "admin_page" : s },
          ]),
        );
      },
    }),
    refusal<null>({
      name: "disabling an account that does not exist",
      status: 404,
      apiCode: "user.not_found",
      // the CLI names what it was given, then the catalogue's words
      cliWords: () => `${NO_SUCH_USER}: ${CATALOGUE["user.not_found"].message}`,
      setup: async () => null,
      page: () => pagePost(`/admin/users/${NO_SUCH_USER}/disable`, "admin-users", [["confirm", "yes"]]),
      api: () => call("POST", `/api/v1/users/${NO_SUCH_USER}/disable`),
      cli: () => ["disable-user", NO_SUCH_USER],
      async unchanged(_t, since) {
        expect(await userRow(NO_SUCH_USER)).toBeNull();
        expect(await auditSince("user.disabled", since)).toEqual([]);
      },
    }),
    refusal<null>({
      name: "deleting an account that does not exist",
      status: 404,
      apiCode: "user.not_found",
      cliWords: () => `${NO_SUCH_USER}: ${CATALOGUE["user.not_found"].message}`,
      setup: async () => null,
      page: () => pagePost(`/admin/users/${NO_SUCH_USER}/delete`, "admin-users", [["confirm", "yes"]]),
      api: () => call("DELETE", `/api/v1/users/${NO_SUCH_USER}`),
      cli: () => ["delete-user", NO_SUCH_USER],
      async unchanged(_t, since) {
        expect(await userRow(NO_SUCH_USER)).toBeNull();
        expect(await auditSince("user.deleted", since)).toEqual([]);
      },
    }),
    refusal<Client>({
      name: "changing a client's redirect URI to plain http on a public host",
      status: 400,
      apiCode: "request.invalid",
      words: HTTPS_ONLY,
      setup: () => confidentialClient("Validated app"),
      page: async (c) =>
        pagePost(`/admin/clients/${c.id}/edit`, "admin-clients", clientForm((await clientRow(c.id))!, { redirectUri: EVIL_URI })),
      api: (c) => call("PATCH", `/api/v1/clients/${c.id}`, { redirectUris: [EVIL_URI] }),
      cli: (c) => ["clients", "update", c.id, "--redirect-uri", EVIL_URI],
      async unchanged(c, since) {
        expect(await clientRow(c.id)).toMatchObject({ redirectUris: [GOOD_URI] });
        expect(await auditSince("client.updated", since)).toEqual([]);
      },
    }),
    refusal<Client>({
      name: "rotating a public client's secret",
      status: 409,
      apiCode: "client.public",
      async setup() {
        const { clientId } = await t.createClient({ name: "Public app", type: "public", redirectUris: [GOOD_URI] });
        return { id: clientId };
      },
      page: (c) => pagePost(`/admin/clients/${c.id}/rotate-secret`, "admin-clients"),
      api: (c) => call("POST", `/api/v1/clients/${c.id}/secret`),
      cli: (c) => ["clients", "rotate-secret", c.id],
      async unchanged(c, since) {
        expect(await clientRow(c.id)).toMatchObject({ type: "public", secretHash: null, secretRotatedAt: null });
        expect(await auditSince("client.secret_rotated", since)).toEqual([]);
      },
    }),
  ];

  it.each(REFUSALS.map((r) => [r.name, r] as const))(
    "refused alike: %s",
    async (_name, row) => {
      const target = await row.setup();
      const since = await lastAuditId();
      const message = CATALOGUE[row.apiCode].message;
      const words = row.words ?? message;

      const page = await row.page(target);
      expect(page.status, page.html.slice(0, 500)).toBe(row.status);
      expect(says(decode(page.html), words), `the page says "${words}"`).toBe(true);

      const answer = await row.api(target);
      expect(answer.status, answer.text).toBe(row.status);
      expect(answer.body.code).toBe(row.apiCode);
      if (row.words) expect(says(answer.body.message!, words), `the API says "${words}"`).toBe(true);
      else expect(answer.body.message).toBe(message);

      const run = await gatehouse(...row.cli(target));
      expect(run.code, run.stderr).toBe(2);
      const cliWords = row.cliWords?.(target) ?? words;
      expect(says(run.stderr, cliWords), `the CLI says "${cliWords}": ${run.stderr}`).toBe(true);

      await row.unchanged(target, since);
    },
    120_000,
  );

  // ---------------------------------------------------------------------------------------------------------------
  // successes: the action once per surface, each on a target of its own; the same stored result and audit event
  type Success<T> = {
    name: string;
    audit: string;
    /** whether the use case records the surface as data.via */
    via: boolean;
    setup: (surface: Surface) => Promise<T>;
    page: (target: T) => Promise<Page>;
    api: (target: T) => Promise<Answer>;
    cli: (target: T) => string[];
    /** what each surface answers when it is done */
    done: { page: (p: Page, target: T) => void; api: (a: Answer, target: T) => void; cli: (c: CliRun, target: T) => void };
    /** the stored result, which must be the same whichever surface acted */
    stored: (target: T) => Promise<unknown>;
    /** the audit event's data that must be the same on every surface (via aside) */
    data: (target: T) => Record<string, unknown>;
  };
  const success = <T>(s: Success<T>) => s as unknown as Success<unknown>;

  const SUCCESSES: Success<unknown>[] = [
    success<Person>({
      name: "disabling a user",
      audit: "user.disabled",
      via: true,
      setup: () => t.createUser(),
      page: (u) => pagePost(`/admin/users/${u.id}/disable`, "admin-users", [["confirm", "yes"]]),
      api: (u) => call("POST", `/api/v1/users/${u.id}/disable`),
      cli: (u) => ["disable-user", u.email],
      done: {
        page: (p, u) => expect(p.url).toBe(`${t.url}/admin/users/${u.id}?done=disabled&n=0`),
        api: (a) => expect(a.body).toEqual({ changed: true, sessionsEnded: 0, grantsRevoked: 0 }),
        cli: (c, u) => expect(c.stdout).toContain(`Disabled ${u.email}; ended 0 session(s) and revoked 0 grant(s).`),
      },
      stored: async (u) => {
        const row = (await userRow(u.id))!;
        return { disabled: row.disabled, disabledAt: row.disabledAt !== null };
      },
      data: () => ({ changed: true, sessions: 0, grants: 0 }),
    }),
    success<Person>({
      name: "deleting a user",
      audit: "user.deleted",
      via: true,
      setup: () => t.createUser(),
      page: (u) => pagePost(`/admin/users/${u.id}/delete`, "admin-users", [["confirm", "yes"]]),
      api: (u) => call("DELETE", `/api/v1/users/${u.id}`),
      cli: (u) => ["delete-user", u.email],
      done: {
        page: (p) => expect(p.url).toBe(`${t.url}/admin/users?done=deleted`),
        api: (a) => expect(a.body).toEqual({ deleted: true, teamsDeleted: 0 }),
        cli: (c, u) => expect(c.stdout).toContain(`Deleted ${u.email}.`),
      },
      stored: async (u) => ({ gone: (await userRow(u.id)) === null }),
      data: () => ({}),
    }),
    success<Client>({
      name: "changing a client's name and redirect URI",
      audit: "client.updated",
      via: true,
      setup: (surface) => confidentialClient(`Before ${surface}`),
      page: async (c) =>
        pagePost(
          `/admin/clients/${c.id}/edit`,
          "admin-clients",
          clientForm((await clientRow(c.id))!, { name: "After", redirectUri: `${GOOD_URI}/2` }),
        ),
      api: (c) => call("PATCH", `/api/v1/clients/${c.id}`, { name: "After", redirectUris: [`${GOOD_URI}/2`] }),
      cli: (c) => ["clients", "update", c.id, "--name", "After", "--redirect-uri", `${GOOD_URI}/2`],
      done: {
        page: (p) => expect(p.status).toBe(200),
        api: (a, c) => expect(a.body).toMatchObject({ id: c.id, name: "After", redirectUris: [`${GOOD_URI}/2`] }),
        cli: (c) => expect(c.stdout).toContain('Updated client "After"'),
      },
      stored: async (c) => {
        const { id: _id, createdAt: _c, updatedAt: _u, secretHash: _h, secretRotatedAt: _r, ...rest } = (await clientRow(c.id))!;
        return rest;
      },
      data: () => ({ changed: ["name", "redirectUris"] }),
    }),
    success<{ next: string }>({
      name: "rotating the signing keys",
      audit: "keys.rotated",
      via: true,
      setup: async () => ({
        next: (await t.app.services.keys.list()).find((k) => k.alg === t.config.tokens.signingAlg && k.state === "next")!.id,
      }),
      page: () => pagePost("/admin/keys/rotate", "admin-keys"),
      api: () => call("POST", "/api/v1/keys/rotate"),
      cli: () => ["rotate-keys"],
      done: {
        page: (p, k) => expect(p.status === 200 && p.html.includes(k.next)).toBe(true),
        api: (a, k) => expect(a.body.current).toBe(k.next),
        cli: (c, k) => expect(c.stdout).toContain(`Signing key ${k.next} is now current`),
      },
      // the key that was next signs now (a surface's rotation is promoted alike)
      stored: async (k) => ({ state: (await t.app.services.keys.list()).find((key) => key.id === k.next)?.state === "current" }),
      data: (k) => ({ current: k.next }),
    }),
  ];

  it.each(SUCCESSES.map((s) => [s.name, s] as const))(
    "done alike: %s",
    async (_name, row) => {
      const stored: unknown[] = [];
      for (const surface of ["page", "api", "cli"] as const) {
        const target = await row.setup(surface);
        const since = await lastAuditId();
        if (surface === "page") {
          const page = await row.page(target);
          expect(page.status, decode(page.html).slice(0, 800)).toBe(200);
          row.done.page(page, target);
        } else if (surface === "api") {
          const answer = await row.api(target);
          expect(answer.status, answer.text).toBe(200);
          row.done.api(answer, target);
        } else {
          const run = await gatehouse(...row.cli(target));
          expect(run.code, run.stderr).toBe(0);
          row.done.cli(run, target);
        }
        stored.push(await row.stored(target));
        const events = await auditSince(row.audit, since);
        expect(events, `${surface}: one ${row.audit} event`).toHaveLength(1);
        const via = surface === "page" ? "admin_page" : surface;
        expect(events[0]).toMatchObject({
          outcome: "success",
          actorId: actorOf[surface](),
          data: { ...row.data(target), ...(row.via ? { via } : {}) },
        });
      }
      expect(stored[1], "the API stores what the page stores").toEqual(stored[0]);
      expect(stored[2], "the CLI stores what the page stores").toEqual(stored[0]);
    },
    120_000,
  );
});
