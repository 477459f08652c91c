// Ownership transfer end to end with real mail: the Owner picks a member (after a confirmation), the member gets
// an email and, signed in as themselves, accepts; the roles swap together (old Owner becomes Manager, one Owner
// always). Single use, cancellable, one pending per team, expiring, Owner-only pages, audited; the Owner
// cannot leave until it is done.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { teamWithMembers } from "../helpers/team-flow.ts";
import { sha256 } from "../../src/lib/crypto.ts";
import type { Clock } from "../../src/lib/clock.ts";

const DAY = 86_400_000;

describe("ownership transfer", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset), epoch: () => Math.floor((Date.now() + offset) / 1000) };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url }, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const team = (...roles: string[]) => teamWithMembers(t, "Transfer", ...roles);
  const roleKeyOf = async (teamId: string, userId: string) => (await t.app.queries.teams.membership(teamId, userId))?.role.key ?? null;
  const owners = async (teamId: string) =>
    (await t.app.queries.teams.members(teamId)).filter((m) => m.role.key === "owner").map((m) => m.userId);
  async function signIn(user: { email: string; password: string }, returnTo: string): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
    return { browser, page: await browser.submit(login, "/login", { identifier: user.email, password: user.password }) };
  }
  const linkIn = (mail: ReceivedMail) => /https?:\/\/\S+\/account\/teams\/[\w-]+\/transfer\/accept\/[\w-]{43}/.exec(mail.text)![0];
  const mailTo = (address: string, after: number) => sink.waitFor((m) => m.to.includes(address) && sink.messages.indexOf(m) >= after);
  async function started(teamId: string, ownerId: string, toUserId: string, email: string) {
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    const result = await t.app.services.ownership.start(teamId, ownerId, toUserId);
    if (result.outcome !== "started") throw new Error(JSON.stringify(result));
    return linkIn(await mailTo(email, before));
  }

  it("the Owner picks a member and confirms; the member accepts from the email and the roles swap", async () => {
    const {
      teamId,
      slug,
      name,
      owner,
      members: [manager, developer],
    } = await team("manager", "developer");
    const { browser, page } = await signIn(owner, `/account/teams/${slug}/transfer`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(manager!.email);
    expect(page.html).toContain(developer!.email);
    const confirm = await browser.submit(page, "/transfer", { toUserId: developer!.id });
    expect(confirm.html).toContain(`Ask ${developer!.username}`);
    await t.app.outbox.idle(); // earlier tests' mails leave the outbox first (it sends asynchronously)
    const before = sink.messages.length;
    await t.app.services.mailer.idle();
    await t.app.outbox.idle(); // anything wrongly queued is sent by now
    expect(sink.messages.length).toBe(before); // the first step sends nothing
    const done = await browser.submit(confirm, "/transfer", {});
    expect(done.html).toContain(`We emailed ${developer!.username} a link to accept.`);
    expect(done.html).toContain("Pending transfer");
    const mail = await mailTo(developer!.email, before);
    expect(mail.subject).toBe("You are asked to take over a team on Gatehouse");
    expect(mail.text).toContain(`the Owner of the team ${name} on Gatehouse, asks you to become its Owner`);
    expect(mail.html).toContain(`<strong>${name}</strong>`);
    const link = linkIn(mail);
    const token = link.split("/").pop()!;
    const row = await t.app.queries.ownershipTransfers.findByTokenHash(sha256(token));
    expect(row).toMatchObject({ teamId, fromUserId: owner.id, toUserId: developer!.id, acceptedAt: null, cancelledAt: null });
    expect(Math.abs(row!.expiresAt.getTime() - clock.now().getTime() - 3 * DAY)).toBeLessThan(60_000);
    expect(await roleKeyOf(teamId, developer!.id)).toBe("developer"); // nothing changes before acceptance

    // signed out: sign in first, then the page with the button
    const member = new TestBrowser(t.url);
    const bounced = await member.request(link);
    expect(bounced.status).toBe(302);
    const login = await member.go(`${t.url}${bounced.headers.get("location")}`);
    const acceptPage = await member.submit(login, "/login", { identifier: developer!.email, password: developer!.password });
    expect(acceptPage.url).toBe(link);
    expect(acceptPage.html).toContain("Accept and become Owner");
    const accepted = await member.submit(acceptPage, "/transfer/accept/", {});
    expect(accepted.status).toBe(200);
    expect(accepted.html).toContain(`You are now the Owner of <strong>${name}</strong>`);
    expect(await roleKeyOf(teamId, developer!.id)).toBe("owner");
    expect(await roleKeyOf(teamId, owner.id)).toBe("manager");
    expect(await owners(teamId)).toEqual([developer!.id]);
    const events = await t.app.queries.auditEvents.listByType("team.ownership.transfer_accepted", 200);
    expect(
      events.some(
        (e) =>
          e.userId === developer!.id &&
          (e.data as { teamId?: string; from?: string }).teamId === teamId &&
          (e.data as { from?: string }).from === owner.id,
      ),
    ).toBe(true);
    expect(
      (await t.app.queries.auditEvents.listForUser(developer!.id)).some(
        (e) => e.type === "team.ownership.transfer_started" && e.actorId === owner.id,
      ),
    ).toBe(true);

    // single use
    const again = await member.submit(acceptPage, "/transfer/accept/", {});
    expect(again.status).toBe(400);
    expect(again.html).toContain("already accepted");
    // the old Owner, now a Manager, cannot open the transfer page
    expect((await browser.go(`${t.url}/account/teams/${slug}/transfer`)).status).toBe(403);
  });

  it("only the addressed member can accept; others get a clear refusal and nothing changes", async () => {
    const {
      teamId,
      slug,
      owner,
      members: [target, other],
    } = await team("developer", "developer");
    const link = await started(teamId, owner.id, target!.id, target!.email);
    for (const who of [other!, owner]) {
      const { browser } = await signIn(who, "/account/profile");
      const page = await browser.go(link);
      expect(page.status).toBe(403);
      expect(page.html).toContain("This ownership transfer is for another account.");
    }
    const token = link.split("/").pop()!;
    expect(await t.app.services.ownership.accept(slug, token, { id: other!.id })).toEqual({ outcome: "wrong_account" });
    // the link names its team: under another team's address it is not valid
    const elsewhere = await team();
    expect(await t.app.services.ownership.accept(elsewhere.slug, token, { id: target!.id })).toEqual({
      outcome: "invalid",
      reason: "unknown",
    });
    expect(await owners(teamId)).toEqual([owner.id]);
    expect((await t.app.services.ownership.accept(slug, token, { id: target!.id })).outcome).toBe("accepted");
  });

  it("the Owner cancels; a new transfer cancels the pending one; a pending transfer expires", async () => {
    const {
      teamId,
      slug,
      owner,
      members: [a, b],
    } = await team("developer", "manager");
    const { browser } = await signIn(owner, `/account/teams/${slug}/transfer`);
    const first = await started(teamId, owner.id, a!.id, a!.email);
    const second = await started(teamId, owner.id, b!.id, b!.email);
    const aBrowser = (await signIn(a!, "/account/profile")).browser;
    const replaced = await aBrowser.go(first);
    expect(replaced.status).toBe(400);
    expect(replaced.html).toContain("cancelled this ownership transfer (or started another one)");
    const pending = await t.app.services.ownership.pending(teamId, owner.id);
    expect(pending.outcome === "ok" && pending.pending?.to.id).toBe(b!.id);

    const page = await browser.go(`${t.url}/account/teams/${slug}/transfer`);
    expect(page.html).toContain(b!.email);
    const cancelled = await browser.submit(page, "/transfer/cancel", {});
    expect(cancelled.html).toContain("The transfer was cancelled; its link no longer works.");
    expect(cancelled.html).not.toContain("Pending transfer");
    const bBrowser = (await signIn(b!, "/account/profile")).browser;
    expect((await bBrowser.go(second)).status).toBe(400);
    expect((await t.app.services.ownership.accept(slug, second.split("/").pop()!, { id: b!.id })).outcome).toBe("invalid");
    expect(
      (await t.app.queries.auditEvents.listForUser(b!.id)).some(
        (e) => e.type === "team.ownership.transfer_cancelled" && e.actorId === owner.id,
      ),
    ).toBe(true);
    const nothing = await browser.submit(page, "/transfer/cancel", {});
    expect(nothing.status).toBe(400);
    expect(nothing.html).toContain("There is no pending transfer to cancel.");

    const third = await started(teamId, owner.id, a!.id, a!.email);
    offset = 3 * DAY + 60_000;
    try {
      expect(await t.app.services.ownership.accept(slug, third.split("/").pop()!, { id: a!.id })).toEqual({
        outcome: "invalid",
        reason: "expired",
      });
      const gone = await t.app.services.ownership.pending(teamId, owner.id);
      expect(gone.outcome === "ok" && gone.pending).toBeNull();
    } finally {
      offset = 0;
    }
    expect(await owners(teamId)).toEqual([owner.id]);
  });

  it("Owner-only page, a member is required, and the Owner cannot leave until the transfer is done", async () => {
    const {
      teamId,
      slug,
      owner,
      members: [manager],
    } = await team("manager");
    const { browser, page } = await signIn(manager!, `/account/teams/${slug}/transfer`);
    expect(page.status).toBe(403);
    expect(page.html).toContain("Only the team&#39;s Owner can transfer ownership.");
    expect((await t.app.services.ownership.start(teamId, manager!.id, owner.id)).outcome).toBe("forbidden");
    const stranger = await t.createUser();
    expect((await t.app.services.ownership.start(teamId, owner.id, stranger.id)).outcome).toBe("invalid");
    expect((await t.app.services.ownership.start(teamId, owner.id, owner.id)).outcome).toBe("invalid");
    expect((await t.app.services.ownership.start(teamId, stranger.id, manager!.id)).outcome).toBe("not_found");
    const ownerSession = await signIn(owner, `/account/teams/${slug}/transfer`);
    const bad = await ownerSession.browser.submit(ownerSession.page, "/transfer", { toUserId: stranger.id, confirm: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Choose a member of this team.");
    const forged = await ownerSession.browser.submit(ownerSession.page, "/transfer", {
      toUserId: manager!.id,
      confirm: "yes",
      _csrf: "forged",
    });
    expect(forged.status).toBe(403);
    const none = await t.app.services.ownership.pending(teamId, owner.id);
    expect(none.outcome === "ok" && none.pending).toBeNull();
    expect((await browser.go(`${t.url}/account/teams/${slug}-nope/transfer`)).status).toBe(404);

    expect(await t.app.services.teamMembers.leave(teamId, owner.id)).toEqual({ outcome: "owner_must_transfer" });
    const link = await started(teamId, owner.id, manager!.id, manager!.email);
    // a removed member's pending transfer dies with the membership
    const extra = await t.createUser();
    await t.app.queries.teams.addMember(teamId, extra.id, (await t.app.queries.teams.roleByKey(teamId, "developer"))!.id);
    const extraLink = await started(teamId, owner.id, extra.id, extra.email);
    await t.app.services.teamMembers.remove(teamId, owner.id, extra.id);
    expect((await t.app.services.ownership.accept(slug, extraLink.split("/").pop()!, { id: extra.id })).outcome).toBe("invalid");
    expect(await owners(teamId)).toEqual([owner.id]);
    // the first link was replaced by the second transfer; a fresh one completes
    expect((await t.app.services.ownership.accept(slug, link.split("/").pop()!, { id: manager!.id })).outcome).toBe("invalid");
    const fresh = await started(teamId, owner.id, manager!.id, manager!.email);
    expect((await t.app.services.ownership.accept(slug, fresh.split("/").pop()!, { id: manager!.id })).outcome).toBe("accepted");
    expect(await t.app.services.teamMembers.leave(teamId, owner.id)).toMatchObject({ outcome: "left" });
    expect(await owners(teamId)).toEqual([manager!.id]);
  });

  it("parallel acceptances of one link: one wins and there is exactly one Owner", async () => {
    const {
      teamId,
      slug,
      owner,
      members: [target],
    } = await team("developer");
    const token = (await started(teamId, owner.id, target!.id, target!.email)).split("/").pop()!;
    const results = await Promise.all([1, 2, 3, 4].map(() => t.app.services.ownership.accept(slug, token, { id: target!.id })));
    expect(results.filter((r) => r.outcome === "accepted")).toHaveLength(1);
    expect(await owners(teamId)).toEqual([target!.id]);
    expect(await roleKeyOf(teamId, owner.id)).toBe("manager");
  });
});
