// The team admin API's routes that send email, against a real Gatehouse and a real SMTP sink: a Manager invites
// an address (the email really goes out with a link whose token is stored only as its hash and never in an
// answer), lists, resends (a new link; the old one dies) and revokes invitations, audited with them as actor; a
// Developer is refused (403, nothing sent); the pages' per-inviter and per-address email budgets apply (429
// rate_limited with Retry-After, nothing created or sent). The Owner, or an admin with teams.manage for the
// Owner, starts an ownership transfer (emailed; nothing moves until the member accepts by the link, signed in),
// sees it pending and cancels it; a Manager is refused.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { uniqueEmail } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { startTeamApi, UA, type ApiUser, type TeamApiHarness } from "../helpers/api.ts";
import type { ReceivedMail } from "../helpers/smtp-sink.ts";
import { sha256 } from "../../src/lib/crypto.ts";

const NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";
const tokenIn = (mail: ReceivedMail) => /\/invitations\/([\w-]{43})/.exec(mail.text)![1]!;
const transferLinkIn = (mail: ReceivedMail) => /(http\S+\/transfer\/accept\/[\w-]{43})/.exec(mail.text)![1]!;

function harness(env: Record<string, string> = {}) {
  const ctx = {} as { h: TeamApiHarness };
  beforeAll(async () => {
    ctx.h = await startTeamApi(env);
  });
  afterAll(async () => {
    await ctx.h?.close();
  });
  return ctx;
}
const as = (h: TeamApiHarness, user: ApiUser) => h.as(user);
const mailTo = (h: TeamApiHarness, address: string, after: number) =>
  h.sink.waitFor((m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()) && h.sink.messages.indexOf(m) >= after);

describe("team admin API: invitations", () => {
  const ctx = harness();

  it("a Manager invites (the email goes out; only the hash is kept), lists, resends and revokes (audited); refusals change nothing", async () => {
    const { h } = ctx;
    const {
      teamId,
      name,
      members: [manager, developer],
    } = await teamWithMembers(h.t, "Invite", "manager", "developer");
    const mgr = await as(h, manager!);
    const developerRole = await h.roleId(teamId, "developer");
    const email = uniqueEmail("Invitee");
    const before = h.sink.messages.length;
    const sent = await mgr("POST", `/api/v1/teams/${teamId}/invitations`, { email, roleId: developerRole });
    expect(sent.status).toBe(201);
    expect(Object.keys(sent.body).sort()).toEqual(["createdAt", "email", "expiresAt", "id", "invitedBy", "role"]);
    expect(sent.body).toMatchObject({
      email,
      role: { id: developerRole, key: "developer", name: "Developer" },
      invitedBy: manager!.username,
    });
    const mail = await mailTo(h, email, before);
    expect(mail.subject).toBe("You have been invited to Gatehouse");
    expect(mail.text).toContain(`invited you to join the team ${name} on Gatehouse as Developer.`);
    const token = tokenIn(mail);
    const row = await h.t.app.queries.invitations.findByTokenHash(sha256(token));
    expect(row).toMatchObject({ id: sent.body.id, teamId, invitedById: manager!.id, acceptedAt: null });
    expect(JSON.stringify(sent.body)).not.toContain(token);
    expect(JSON.stringify(sent.body)).not.toContain(row!.tokenHash);
    expect((await h.audited("team.invitation.created", teamId))[0]).toMatchObject({
      actorId: manager!.id,
      userAgent: UA,
      data: expect.objectContaining({ invitationId: row!.id }),
    });

    const listed = await mgr("GET", `/api/v1/teams/${teamId}/invitations`);
    expect(listed.body).toEqual({ invitations: [sent.body], nextCursor: null });

    const sentBefore = h.sink.messages.length;
    const refusals: [ApiUser, unknown, number, string, string?][] = [
      [manager!, { email, roleId: developerRole }, 400, "request.invalid", "email"],
      [manager!, { email: uniqueEmail("owner"), roleId: await h.roleId(teamId, "owner") }, 403, "permission.denied"],
      [manager!, { email: "not an address", roleId: developerRole }, 400, "request.invalid", "email"],
      [manager!, { email: developer!.email, roleId: developerRole }, 400, "request.invalid", "email"],
      [manager!, { email: uniqueEmail("x"), roleId: NO_SUCH_ID }, 400, "request.invalid", "roleId"],
      [developer!, { email: uniqueEmail("dev"), roleId: developerRole }, 403, "permission.denied"],
    ];
    for (const [user, body, status, code, field] of refusals) {
      const res = await (await as(h, user))("POST", `/api/v1/teams/${teamId}/invitations`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.code).toBe(code);
      if (field) expect((res.body.data!.issues as { path: string[] }[])[0]!.path).toEqual(["body", field]);
    }
    const dev = await as(h, developer!);
    expect((await dev("POST", `/api/v1/teams/${teamId}/invitations/${row!.id}/resend`)).status).toBe(403);
    expect((await dev("DELETE", `/api/v1/teams/${teamId}/invitations/${row!.id}`)).status).toBe(403);
    expect((await h.t.app.queries.invitations.pendingForTeam(teamId, new Date())).map((i) => i.id)).toEqual([row!.id]);

    const resent = await mgr("POST", `/api/v1/teams/${teamId}/invitations/${row!.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: row!.id, email });
    const newToken = tokenIn(await mailTo(h, email, sentBefore));
    // mail goes out in order: by the time the resend's arrived, none of the refused ones had been sent
    expect(h.sink.messages.slice(sentBefore).map((m) => m.to.map((to) => to.toLowerCase()))).toEqual([[email.toLowerCase()]]);
    expect(newToken).not.toBe(token);
    expect((await h.t.app.services.invitations.inspect(token)).outcome).toBe("invalid");
    expect((await h.t.app.services.invitations.inspect(newToken)).outcome).toBe("valid");
    expect((await h.audited("team.invitation.resent", teamId))[0]).toMatchObject({ actorId: manager!.id });

    expect((await mgr("DELETE", `/api/v1/teams/${teamId}/invitations/${row!.id}`)).status).toBe(204);
    expect(await h.t.app.queries.invitations.pendingById(teamId, row!.id, new Date())).toBeNull();
    expect((await h.audited("team.invitation.revoked", teamId))[0]).toMatchObject({ actorId: manager!.id });
    for (const [method, path] of [
      ["DELETE", row!.id],
      ["POST", `${row!.id}/resend`],
      ["DELETE", NO_SUCH_ID],
    ]) {
      const gone = await mgr(method!, `/api/v1/teams/${teamId}/invitations/${path}`);
      expect(gone.status, `${method} ${path}`).toBe(404);
      expect(gone.body.code).toBe("invitation.not_found");
    }
  });

  it("an admin with teams.manage invites to any team (audited as actor)", async () => {
    const { h } = ctx;
    const { teamId } = await teamWithMembers(h.t, "Invite");
    const admin = await h.admin(["gatehouse.admin.teams.manage"]);
    const email = uniqueEmail("by-admin");
    const before = h.sink.messages.length;
    const sent = await (
      await as(h, admin)
    )("POST", `/api/v1/teams/${teamId}/invitations`, { email, roleId: await h.roleId(teamId, "manager") });
    expect(sent.status).toBe(201);
    await mailTo(h, email, before);
    expect((await h.audited("team.invitation.created", teamId))[0]).toMatchObject({ actorId: admin.id });
  });
});

describe("team admin API: invitation email budgets", () => {
  const ctx = harness({ RATE_LIMIT_INVITES_PER_USER: "3", RATE_LIMIT_ACCOUNT_PER_IDENTIFIER: "1" });

  it("the address's hourly emails and the inviter's hourly invitations: 429 rate_limited with Retry-After, nothing sent", async () => {
    const { h } = ctx;
    const a = await teamWithMembers(h.t, "Budget", "manager");
    const b = await teamWithMembers(h.t, "Budget", "manager");
    const mgrA = await as(h, a.members[0]!);
    const mgrB = await as(h, b.members[0]!);
    const invite = async (call: typeof mgrA, teamId: string, email: string) =>
      call("POST", `/api/v1/teams/${teamId}/invitations`, { email, roleId: await h.roleId(teamId, "developer") });
    const limited = (res: { status: number; body: { code?: string }; headers: Headers }) => {
      expect(res.status).toBe(429);
      expect(res.body.code).toBe("rate_limited");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    };
    const shared = uniqueEmail("shared");
    expect((await invite(mgrA, a.teamId, shared)).status).toBe(201);
    await mailTo(h, shared, 0);
    const before = h.sink.messages.length;
    // the same address from another team and inviter: its budget is spent
    limited(await invite(mgrB, b.teamId, shared));
    expect(await h.t.app.queries.invitations.pendingForTeamAndEmail(b.teamId, shared.toLowerCase(), new Date())).toBeNull();
    const [pending] = await h.t.app.queries.invitations.pendingForTeam(a.teamId, new Date());
    limited(await mgrA("POST", `/api/v1/teams/${a.teamId}/invitations/${pending!.id}/resend`));
    expect((await h.t.app.queries.invitations.pendingById(a.teamId, pending!.id, new Date()))!.tokenHash).toBe(pending!.tokenHash);
    // the first inviter has spent 2 of 3 (the refused resend counts): one more, then 429
    expect((await invite(mgrA, a.teamId, uniqueEmail("third"))).status).toBe(201);
    const fourth = uniqueEmail("fourth");
    limited(await invite(mgrA, a.teamId, fourth));
    expect(await h.t.app.queries.invitations.pendingForTeamAndEmail(a.teamId, fourth.toLowerCase(), new Date())).toBeNull();
    // the other inviter still has budget: once their email has arrived, the refused ones would have too
    const sentinel = uniqueEmail("sentinel");
    expect((await invite(mgrB, b.teamId, sentinel)).status).toBe(201);
    await mailTo(h, sentinel, before);
    expect(h.sink.messages.slice(before).filter((m) => m.to.some((to) => [shared, fourth].includes(to.toLowerCase())))).toEqual([]);
  });
});

describe("team admin API: ownership transfer budget", () => {
  const ctx = harness({ RATE_LIMIT_INVITES_PER_USER: "2" });

  it("starting transfers spends the Owner's hourly invitations, as the page does: 429, the pending one stays", async () => {
    const { h } = ctx;
    const {
      teamId,
      owner,
      members: [manager],
    } = await teamWithMembers(h.t, "Budget", "manager");
    const own = await as(h, owner);
    const path = `/api/v1/teams/${teamId}/ownership-transfer`;
    expect((await own("POST", path, { toUserId: manager!.id })).status).toBe(201);
    const second = await own("POST", path, { toUserId: manager!.id });
    expect(second.body).toMatchObject({ replaced: 1 });
    const third = await own("POST", path, { toUserId: manager!.id });
    expect(third.status).toBe(429);
    expect(third.body.code).toBe("rate_limited");
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await own("GET", path)).body).toEqual({ transfer: (second.body as { transfer: unknown }).transfer });
  });
});

describe("team admin API: ownership transfer", () => {
  const ctx = harness();

  it("the Owner starts a transfer (emailed, nothing moves), sees it, cancels it; a Manager 403; bad member 400; none pending 404", async () => {
    const { h } = ctx;
    const {
      teamId,
      owner,
      members: [manager, developer],
    } = await teamWithMembers(h.t, "Transfer", "manager", "developer");
    const path = `/api/v1/teams/${teamId}/ownership-transfer`;
    const own = await as(h, owner);
    expect((await own("GET", path)).body).toEqual({ transfer: null });
    const before = h.sink.messages.length;
    const started = await own("POST", path, { toUserId: developer!.id });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      replaced: 0,
      transfer: { fromUserId: owner.id, to: { id: developer!.id, username: developer!.username, email: developer!.email, name: null } },
    });
    const mail = await mailTo(h, developer!.email, before);
    expect(mail.subject).toBe("You are asked to take over a team on Gatehouse");
    const link = transferLinkIn(mail);
    expect(JSON.stringify(started.body)).not.toContain(link.split("/").pop()!);
    expect((await h.rolesInDb(teamId))[owner.id]).toBe("owner");
    expect((await h.audited("team.ownership.transfer_started", teamId))[0]).toMatchObject({
      actorId: owner.id,
      userId: developer!.id,
      userAgent: UA,
    });
    expect((await own("GET", path)).body).toEqual({ transfer: (started.body as { transfer: unknown }).transfer });

    const mgr = await as(h, manager!);
    for (const [method, body] of [["GET"], ["POST", { toUserId: manager!.id }], ["DELETE"]] as [string, unknown?][]) {
      const refused = await mgr(method, path, body);
      expect(refused.status, method).toBe(403);
      expect(refused.body).toMatchObject({ code: "permission.denied", message: "Only the team's Owner can transfer ownership." });
    }
    for (const toUserId of [owner.id, (await h.t.createUser()).id, NO_SUCH_ID]) {
      const bad = await own("POST", path, { toUserId });
      expect(bad.status).toBe(400);
      expect(bad.body.data).toMatchObject({ field: "toUserId" });
    }
    expect((await own("POST", path, { toUserId: "nobody" })).body.code).toBe("request.invalid");
    expect((await own("GET", path)).body).toEqual({ transfer: (started.body as { transfer: unknown }).transfer });

    expect((await own("DELETE", path)).status).toBe(204);
    expect((await own("GET", path)).body).toEqual({ transfer: null });
    expect((await h.audited("team.ownership.transfer_cancelled", teamId))[0]).toMatchObject({ actorId: owner.id });
    const again = await own("DELETE", path);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("transfer.not_found");
    expect(await h.rolesInDb(teamId)).toMatchObject({ [owner.id]: "owner", [developer!.id]: "developer" });
  });

  it("an admin with teams.manage starts one for the Owner (audited as actor); the member accepts by the emailed link", async () => {
    const { h } = ctx;
    const {
      teamId,
      owner,
      members: [developer],
    } = await teamWithMembers(h.t, "Transfer", "developer");
    const admin = await h.admin(["gatehouse.admin.teams.manage"]);
    const before = h.sink.messages.length;
    const started = await (await as(h, admin))("POST", `/api/v1/teams/${teamId}/ownership-transfer`, { toUserId: developer!.id });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ transfer: { fromUserId: owner.id, to: { id: developer!.id } } });
    expect((await h.audited("team.ownership.transfer_started", teamId))[0]).toMatchObject({
      actorId: admin.id,
      data: expect.objectContaining({ from: owner.id, viaAdmin: 1 }),
    });
    const mail = await mailTo(h, developer!.email, before);
    expect(mail.text).toContain("(an administrator)");
    expect(await h.rolesInDb(teamId)).toMatchObject({ [owner.id]: "owner", [developer!.id]: "developer" });

    const member = new TestBrowser(h.t.url);
    const link = transferLinkIn(mail);
    const login = await member.go(`${h.t.url}/login?return_to=${encodeURIComponent(new URL(link).pathname)}`);
    const acceptPage = await member.submit(login, "/login", { identifier: developer!.email, password: developer!.password });
    expect(acceptPage.url).toBe(link);
    expect((await member.submit(acceptPage, "/transfer/accept/", {})).status).toBe(200);
    expect(await h.rolesInDb(teamId)).toMatchObject({ [owner.id]: "manager", [developer!.id]: "owner" });
  });
});
