// A provider admin acting on a team through the team services (asAdmin): the team directory's search and
// cursor pages; role changes and removals with the admin as the audited actor and no membership needed; the
// Owner never demoted or removed; admin codes never in a team role; an ownership transfer started by an admin
// for the Owner still needs the member to accept by the emailed link (then the old Owner is Manager), is never
// to the admin themselves, and the Owner is emailed who started or cancelled it.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { asAdmin } from "../../src/services/team-admin.ts";

describe("provider admins acting on teams", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let admin: Awaited<ReturnType<TestApp["createUser"]>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const team = (...roles: string[]) => teamWithMembers(t, "AdminActs", ...roles);
  const roleOf = async (teamId: string, userId: string) => (await t.app.queries.teams.membership(teamId, userId))?.role.key ?? null;
  const roleId = async (teamId: string, key: string) => (await t.app.queries.teams.roleByKey(teamId, key))!.id;
  const info = { ip: "203.0.113.7", userAgent: "team-admin-test" };

  it("searches teams by name or slug, newest first, in cursor pages with member counts and the Owner", async () => {
    const tag = `dir${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await teamWithMembers(t, `${tag}${i}`, "developer"));
    const first = await t.app.services.teamAdmin.search({ query: tag.toUpperCase(), limit: 2 });
    if (first.outcome !== "ok") throw new Error(JSON.stringify(first));
    expect(first.teams.map((x) => x.id)).toEqual([made[2]!.teamId, made[1]!.teamId]);
    expect(first.teams[0]).toMatchObject({ memberCount: 2, owner: { id: made[2]!.owner.id } });
    const second = await t.app.services.teamAdmin.search({ query: tag, limit: 2, cursor: first.nextCursor! });
    if (second.outcome !== "ok") throw new Error(JSON.stringify(second));
    expect(second.teams.map((x) => x.id)).toEqual([made[0]!.teamId]);
    expect(second.nextCursor).toBeNull();
    // LIKE wildcards are plain characters: "%" and "_" match only themselves, "%" alone matches no team without one
    const owner = (await t.createUser()).id;
    const percent = await t.app.services.teams.createTeam(owner, { name: `50% off ${tag}` });
    const snake = await t.app.services.teams.createTeam(owner, { name: `snake_case${tag}` });
    const lookalike = await t.app.services.teams.createTeam(owner, { name: `snakeXcase${tag} 500 off` });
    if (percent.outcome !== "created" || snake.outcome !== "created" || lookalike.outcome !== "created")
      throw new Error("teams not created");
    const ids = async (query: string) => {
      const found = await t.app.services.teamAdmin.search({ query, limit: 100 });
      if (found.outcome !== "ok") throw new Error(JSON.stringify(found));
      return found.teams.map((x) => x.id);
    };
    expect(await ids("50%")).toEqual([percent.teamId]);
    expect(await ids(`e_c`)).toEqual([snake.teamId]);
    expect(await ids(`50% off ${tag}`)).toEqual([percent.teamId]);
    expect(await ids("%")).toEqual([percent.teamId]);
    expect(await ids("_")).toEqual([snake.teamId]);
    expect(await t.app.services.teamAdmin.search({ cursor: "nope", limit: 5 })).toMatchObject({ outcome: "invalid", field: "cursor" });
    expect(await t.app.services.teamAdmin.search({ limit: 0 })).toMatchObject({ outcome: "invalid", field: "limit" });
  });

  it("changes a member's role and removes a member without being one, audited with the admin as actor", async () => {
    const {
      teamId,
      members: [manager, developer],
    } = await team("manager", "developer");
    expect(await t.app.queries.teams.membership(teamId, admin.id)).toBeNull();
    const changed = await t.app.services.teamMembers.changeRole(
      teamId,
      asAdmin(admin.id),
      developer!.id,
      await roleId(teamId, "manager"),
      info,
    );
    expect(changed).toMatchObject({ outcome: "changed", role: { key: "manager" } });
    expect(await roleOf(teamId, developer!.id)).toBe("manager");
    const removed = await t.app.services.teamMembers.remove(teamId, asAdmin(admin.id), manager!.id, info);
    expect(removed.outcome).toBe("removed");
    expect(await roleOf(teamId, manager!.id)).toBeNull();
    const events = await t.app.queries.auditEvents.listForUser(developer!.id);
    expect(events.find((e) => e.type === "team.member.role_changed")).toMatchObject({
      actorId: admin.id,
      ip: info.ip,
      data: { teamId, from: "developer", to: "manager" },
    });
    expect((await t.app.queries.auditEvents.listForUser(manager!.id)).find((e) => e.type === "team.member.removed")).toMatchObject({
      actorId: admin.id,
      data: { teamId },
    });
    // the admin still is no member
    expect(await t.app.queries.teams.membership(teamId, admin.id)).toBeNull();
  });

  it("never demotes or removes the Owner, never gives the Owner role, and a missing team is not found", async () => {
    const {
      teamId,
      owner,
      members: [developer],
    } = await team("developer");
    expect(
      (await t.app.services.teamMembers.changeRole(teamId, asAdmin(admin.id), owner.id, await roleId(teamId, "developer"))).outcome,
    ).toBe("forbidden");
    expect((await t.app.services.teamMembers.remove(teamId, asAdmin(admin.id), owner.id)).outcome).toBe("forbidden");
    expect(
      (await t.app.services.teamMembers.changeRole(teamId, asAdmin(admin.id), developer!.id, await roleId(teamId, "owner"))).outcome,
    ).toBe("forbidden");
    expect(await roleOf(teamId, owner.id)).toBe("owner");
    expect(await roleOf(teamId, developer!.id)).toBe("developer");
    expect((await t.app.services.teamMembers.list("00000000-0000-4000-8000-000000000000", asAdmin(admin.id))).outcome).toBe("not_found");
  });

  it("edits a team's roles (never Owner's, never with admin codes) and lists them", async () => {
    const { teamId } = await team();
    const created = await t.app.services.teamRoles.create(
      teamId,
      asAdmin(admin.id),
      { name: "Support", permissions: ["gatehouse.team.read"] },
      info,
    );
    if (created.outcome !== "created") throw new Error(JSON.stringify(created));
    const updated = await t.app.services.teamRoles.update(
      teamId,
      asAdmin(admin.id),
      created.role.id,
      { name: "Support desk", permissions: ["gatehouse.team.read", "gatehouse.team.members.manage"] },
      info,
    );
    expect(updated).toMatchObject({ outcome: "updated", role: { name: "Support desk" } });
    expect(
      (await t.app.services.teamRoles.update(teamId, asAdmin(admin.id), await roleId(teamId, "owner"), { name: "Boss", permissions: [] }))
        .outcome,
    ).toBe("forbidden");
    expect(
      await t.app.services.teamRoles.create(teamId, asAdmin(admin.id), { name: "Sneaky", permissions: ["gatehouse.admin.users.manage"] }),
    ).toMatchObject({ outcome: "invalid", field: "permissions" });
    const listed = await t.app.services.teamRoles.list(teamId, asAdmin(admin.id));
    expect(listed.outcome === "ok" && listed.roles.map((r) => r.key).sort()).toEqual(["developer", "manager", "owner", "support"]);
    expect((await t.app.queries.auditEvents.listForUser(admin.id)).find((e) => e.type === "team.role.updated")).toMatchObject({
      actorId: admin.id,
      data: { teamId, roleId: created.role.id },
    });
    expect((await t.app.services.teamRoles.remove(teamId, asAdmin(admin.id), created.role.id)).outcome).toBe("deleted");
  });

  it("starts an ownership transfer for the Owner; the member accepts by the emailed link and the roles swap", async () => {
    const {
      teamId,
      slug,
      owner,
      members: [developer],
    } = await team("developer");
    const before = sink.messages.length;
    const started = await t.app.services.ownership.start(teamId, asAdmin(admin.id), developer!.id, info);
    if (started.outcome !== "started") throw new Error(JSON.stringify(started));
    expect(started.transfer).toMatchObject({ fromUserId: owner.id, toUserId: developer!.id });
    // roles do not move before the member accepts
    expect(await roleOf(teamId, owner.id)).toBe("owner");
    const mail = await sink.waitFor((m) => m.to.includes(developer!.email) && sink.messages.indexOf(m) >= before);
    expect(mail.text).toContain("(an administrator)");
    const token = new RegExp(`/account/teams/${slug}/transfer/accept/([\\w-]{43})`).exec(mail.text)![1]!;
    expect((await t.app.services.ownership.start(teamId, asAdmin(admin.id), owner.id)).outcome).toBe("invalid"); // already the Owner
    const pending = await t.app.services.ownership.pending(teamId, asAdmin(admin.id));
    expect(pending.outcome === "ok" && pending.pending?.to.id).toBe(developer!.id);
    const accepted = await t.app.services.ownership.accept(slug, token, { id: developer!.id });
    expect(accepted.outcome).toBe("accepted");
    expect(await roleOf(teamId, developer!.id)).toBe("owner");
    expect(await roleOf(teamId, owner.id)).toBe("manager");
    expect(
      (await t.app.queries.auditEvents.listForUser(developer!.id)).find((e) => e.type === "team.ownership.transfer_started"),
    ).toMatchObject({ actorId: admin.id, data: { teamId, from: owner.id, viaAdmin: 1 } });
  });

  it("refuses an admin's transfer to themselves after joining the team; the Owner is emailed who started and cancelled one", async () => {
    const {
      teamId,
      owner,
      members: [developer],
    } = await team("developer");
    const named = await t.createUser();
    await t.app.services.systemRoles.setUserRole(named.id, "super_admin");
    await t.app.db.prisma.user.update({ where: { id: named.id }, data: { name: "Ada <b>Admin</b>" } });
    await t.app.db.prisma.user.update({ where: { id: developer!.id }, data: { name: "Dev & Co" } });
    await t.app.queries.teams.addMember(teamId, named.id, await roleId(teamId, "developer"));
    const before = sink.messages.length;

    const self = await t.app.services.ownership.start(teamId, asAdmin(named.id), named.id, info);
    expect(self).toEqual({
      outcome: "forbidden",
      key: "admin.team.selfTransfer",
      message: "An administrator cannot transfer a team to themselves.",
    });
    expect(await t.app.services.ownership.pending(teamId, asAdmin(named.id))).toMatchObject({ outcome: "ok", pending: null });
    expect(await roleOf(teamId, named.id)).toBe("developer");
    expect((await t.app.queries.auditEvents.listForUser(named.id)).filter((e) => e.type.startsWith("team.ownership."))).toEqual([]);

    const subject = "An administrator acted on the ownership of your team on Gatehouse";
    const toOwner = (m: { to: string[]; subject: string }) => m.to.includes(owner.email) && m.subject === subject;
    expect((await t.app.services.ownership.start(teamId, asAdmin(named.id), developer!.id, info)).outcome).toBe("started");
    const started = await sink.waitFor((m) => toOwner(m) && sink.messages.indexOf(m) >= before);
    expect(started.text).toContain(
      `Ada <b>Admin</b> (${named.username}), an administrator of Gatehouse, asked Dev & Co (${developer!.username}) to take over your team`,
    );
    expect(started.html).toContain(
      `<strong>Ada &lt;b&gt;Admin&lt;/b&gt; (${named.username})</strong>, an administrator of Gatehouse, asked <strong>Dev &amp; Co (${developer!.username})</strong>`,
    );
    expect(started.html).not.toContain("<b>Admin</b>");
    // the text part is plain text: names as they are, like every other text email

    expect((await t.app.services.ownership.cancel(teamId, asAdmin(named.id), info)).outcome).toBe("cancelled");
    const cancelled = await sink.waitFor((m) => toOwner(m) && m !== started && sink.messages.indexOf(m) >= before);
    expect(cancelled.text).toContain(
      `Ada <b>Admin</b> (${named.username}), an administrator of Gatehouse, cancelled the transfer of your team`,
    );
    expect(cancelled.text).toContain(`to Dev & Co (${developer!.username}). The link we sent them no longer works`);
    // the Owner starting and cancelling their own transfer gets no such notice
    const quiet = sink.messages.length;
    expect((await t.app.services.ownership.start(teamId, owner.id, developer!.id, info)).outcome).toBe("started");
    expect((await t.app.services.ownership.cancel(teamId, owner.id, info)).outcome).toBe("cancelled");
    await sink.waitFor((m) => m.to.includes(developer!.email) && sink.messages.indexOf(m) >= quiet);
    await t.app.services.mailer.idle();
    expect(sink.messages.slice(quiet).filter(toOwner)).toEqual([]);
  });

  it("cancels a pending transfer for the team", async () => {
    const {
      teamId,
      members: [developer],
    } = await team("developer");
    await t.app.services.ownership.start(teamId, asAdmin(admin.id), developer!.id);
    expect((await t.app.services.ownership.cancel(teamId, asAdmin(admin.id), info)).outcome).toBe("cancelled");
    expect((await t.app.services.ownership.cancel(teamId, asAdmin(admin.id))).outcome).toBe("none_pending");
  });
});
