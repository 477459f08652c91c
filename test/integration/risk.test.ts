// The suspicious-login service against real Postgres, Redis and the DB-IP Lite database from npm, on a clock
// the test moves: each rule with real addresses (London 81.2.69.x, Tokyo 133.242.0.1 / 203.178.141.194, Paris
// 62.210.16.6 / 212.27.48.10, Sao Paulo 200.160.2.3), no baseline and unknown locations fire nothing, a missing
// GeoIP database turns the geo rules off without crashing, history bounded in time, holds: links hashed at rest,
// single use, one kills the other (also in parallel), expiry by the clock, audited once; a new hold for the same
// interaction supersedes the earlier (its links die); a refused email limit holds and sends nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { manualClock } from "../helpers/totp-login.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { createRiskService, sayHoldReason, type RiskService } from "../../src/services/risk/index.ts";
import { createGeo } from "../../src/services/request/geo.ts";
import { sha256 } from "../../src/lib/crypto.ts";
import type { Config } from "../../src/config/load.ts";

const LONDON = "81.2.69.142";
const LONDON_SAME_NET = "81.2.69.160";
const TOKYO = "133.242.0.1";
const TOKYO_OTHER_NET = "203.178.141.194";
const PARIS = "62.210.16.6";
const PARIS_OTHER_NET = "212.27.48.10";
const SAO_PAULO = "200.160.2.3";
const HOUR = 3600;
const req = (ip: string) => ({ ip, userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" });

describe("suspicious-login rules and holds", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const clock = manualClock();
  let risk: RiskService;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(
      { SMTP_URL: sink.url, RISK_RULES: "new_country,impossible_travel,new_network", RISK_HOLD_TTL: "900" },
      { clock },
    );
    risk = t.app.services.risk;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** the same service with only these rules (or another GeoIP database) */
  const serviceWith = (rules: Config["risk"]["rules"], geo = t.app.services.geo) =>
    createRiskService({
      queries: t.app.queries.loginLocations,
      redis: t.app.redis,
      clock,
      geo,
      notifications: t.app.services.notifications,
      audit: t.app.services.audit,
      settings: { ...t.config.risk, rules },
      issuer: t.config.issuer,
      log: t.app.log,
    });
  const rulesOf = async (service: RiskService, userId: string, ip: string) => (await service.evaluate(userId, req(ip))).map((f) => f.rule);
  const events = (userId: string, type: string) => t.app.db.prisma.auditEvent.findMany({ where: { userId, type }, orderBy: { id: "asc" } });

  it("the fixtures resolve to the places the tests rely on", async () => {
    const geo = t.app.services.geo;
    expect((await geo.lookup(LONDON))?.countryCode).toBe("GB");
    expect((await geo.lookup(LONDON_SAME_NET))?.countryCode).toBe("GB");
    expect((await geo.lookup(TOKYO))?.countryCode).toBe("JP");
    expect((await geo.lookup(TOKYO_OTHER_NET))?.countryCode).toBe("JP");
    expect((await geo.lookup(PARIS))?.city).toBe("Paris");
    expect((await geo.lookup(PARIS_OTHER_NET))?.city).toBe("Paris");
    expect((await geo.lookup(SAO_PAULO))?.countryCode).toBe("BR");
    expect(await geo.lookup("127.0.0.1")).toBeNull();
    expect(await geo.lookup("192.168.1.10")).toBeNull();
  });

  it("a first sign-in fires nothing (no baseline) and is recorded with its network, country and coordinates", async () => {
    const user = await t.createUser();
    expect(await rulesOf(risk, user.id, TOKYO)).toEqual([]);
    await risk.recordSignIn(user.id, TOKYO);
    const rows = await t.app.db.prisma.loginLocation.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ip: TOKYO, network: "133.242.0.0/24", countryCode: "JP" });
    expect(rows[0]!.latitude).toBeCloseTo(35.69, 1);
    const evaluated = await events(user.id, "login.risk_evaluated");
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0]!.data).toMatchObject({ decision: "allow", rules: [], known: true });
    expect(typeof (evaluated[0]!.data as { latencyMs: unknown }).latencyMs).toBe("number");
  });

  it("new_country: London, then Tokyo a day later (no impossible travel); another address in Tokyo later fires nothing", async () => {
    const user = await t.createUser();
    await risk.recordSignIn(user.id, LONDON);
    clock.advance(24 * HOUR);
    expect(await rulesOf(serviceWith(["new_country"]), user.id, TOKYO)).toEqual(["new_country"]);
    const [fired] = await risk.evaluate(user.id, req(TOKYO));
    expect(fired).toEqual({ rule: "new_country", reason: { key: "holdReason.new_country", values: { country: "JP" } } });
    expect(sayHoldReason("en", fired!.reason)).toBe("a sign-in from a country you have not signed in from before (Japan)");
    await risk.recordSignIn(user.id, TOKYO);
    clock.advance(24 * HOUR);
    expect(await rulesOf(serviceWith(["new_country"]), user.id, TOKYO_OTHER_NET)).toEqual([]);
    expect(await rulesOf(serviceWith(["new_country"]), user.id, LONDON_SAME_NET)).toEqual([]);
    const evaluated = await events(user.id, "login.risk_evaluated");
    expect(evaluated[1]!.data).toMatchObject({ decision: "hold", rules: ["new_country", "new_network"] });
  });

  it("impossible_travel: London and Tokyo both known, London now, Tokyo an hour later fires; 12 hours later does not", async () => {
    const user = await t.createUser();
    await risk.recordSignIn(user.id, TOKYO);
    clock.advance(48 * HOUR);
    await risk.recordSignIn(user.id, LONDON);
    clock.advance(HOUR);
    // country and network known: only the travel is wrong
    expect(await rulesOf(risk, user.id, TOKYO)).toEqual(["impossible_travel"]);
    const [fired] = await risk.evaluate(user.id, req(TOKYO));
    expect(fired!.reason).toMatchObject({ key: "holdReason.impossible_travelFrom", values: { country: "GB", minutes: 60 } });
    expect(sayHoldReason("en", fired!.reason)).toMatch(
      /^a sign-in about 9,\d{3} km from your previous one \(United Kingdom\) only 60 minutes later/,
    );
    clock.advance(11 * HOUR);
    expect(await rulesOf(risk, user.id, TOKYO)).toEqual([]);
  });

  it("impossible_travel: Paris to London within the minimum distance never fires, however quick", async () => {
    const user = await t.createUser();
    await risk.recordSignIn(user.id, LONDON);
    await risk.recordSignIn(user.id, PARIS);
    clock.advance(60);
    expect(await rulesOf(serviceWith(["impossible_travel"]), user.id, LONDON_SAME_NET)).toEqual([]);
  });

  it("new_network: Paris on one network, then Paris on another fires only new_network; the same /24 does not", async () => {
    const user = await t.createUser();
    await risk.recordSignIn(user.id, PARIS);
    clock.advance(HOUR);
    expect(await rulesOf(risk, user.id, PARIS_OTHER_NET)).toEqual(["new_network"]);
    const [fired] = await risk.evaluate(user.id, req(PARIS_OTHER_NET));
    expect(fired!.reason).toEqual({ key: "holdReason.new_network", values: { ip: PARIS_OTHER_NET } });
    expect(sayHoldReason("en", fired!.reason)).toBe(`a sign-in from a network you have not signed in from before (${PARIS_OTHER_NET})`);
    await risk.recordSignIn(user.id, LONDON);
    clock.advance(24 * HOUR);
    expect(await rulesOf(risk, user.id, LONDON_SAME_NET)).toEqual([]);
  });

  it("IPv6: Frankfurt then Fujisawa a day later fires new_country and new_network (/48); another address in the same /48 does not", async () => {
    const FRANKFURT_V6 = "2a00:1450:4001:80b::200e";
    const FUJISAWA_V6 = "2001:200:dff:fff1:216:3eff:feb1:44d7";
    const user = await t.createUser();
    await risk.recordSignIn(user.id, FRANKFURT_V6);
    expect(await t.app.db.prisma.loginLocation.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      network: "2a00:1450:4001::/48",
      countryCode: "DE",
    });
    clock.advance(24 * HOUR);
    expect(await rulesOf(risk, user.id, FUJISAWA_V6)).toEqual(["new_country", "new_network"]);
    expect(await rulesOf(risk, user.id, "2a00:1450:4001:ff::1")).toEqual([]);
  });

  it("unknown locations (loopback, private) fire no rule, not even new_network", async () => {
    const user = await t.createUser();
    await risk.recordSignIn(user.id, LONDON);
    clock.advance(HOUR);
    for (const ip of ["127.0.0.1", "::1", "10.1.2.3", "192.168.0.7", "::ffff:127.0.0.1"])
      expect(await rulesOf(risk, user.id, ip), ip).toEqual([]);
    const last = (await events(user.id, "login.risk_evaluated")).at(-1)!;
    expect(last.data).toMatchObject({ decision: "allow", known: false });
  });

  it("only sign-ins within the look-back window count", async () => {
    const user = await t.createUser();
    await risk.recordSignIn(user.id, LONDON);
    clock.advance(91 * 24 * HOUR);
    // London is forgotten: no history, no baseline
    expect(await rulesOf(risk, user.id, SAO_PAULO)).toEqual([]);
  });

  it("a missing GeoIP database: a warning, no crash, the geo rules are silent and new_network still works", async () => {
    const warnings: string[] = [];
    const log = {
      ...t.app.log,
      warn: (_obj: unknown, msg?: string) => {
        warnings.push(msg ?? "");
      },
    } as unknown as typeof t.app.log;
    const geo = createGeo({ files: ["/nonexistent/GeoLite2-City.mmdb"], log });
    const service = serviceWith(["new_country", "impossible_travel", "new_network"], geo);
    const user = await t.createUser();
    await service.recordSignIn(user.id, LONDON);
    clock.advance(60);
    expect(await rulesOf(service, user.id, TOKYO)).toEqual(["new_network"]);
    expect(warnings.some((w) => /GeoIP database not readable/.test(w))).toBe(true);
  });

  it("a whole app with GEOIP_DATABASE pointing at a missing file starts and evaluates", async () => {
    const other = await startTestApp({ GEOIP_DATABASE: "/nonexistent/dbip.mmdb", RISK_RULES: "new_country,impossible_travel" }, { clock });
    try {
      const user = await other.createUser();
      await other.app.services.risk.recordSignIn(user.id, LONDON);
      clock.advance(60);
      expect(await other.app.services.risk.evaluate(user.id, req(TOKYO))).toEqual([]);
      expect((await other.app.db.prisma.loginLocation.findFirstOrThrow({ where: { userId: user.id } })).countryCode).toBeNull();
    } finally {
      await other.close();
    }
  });

  describe("holds", () => {
    const fired = [{ rule: "new_country" as const, reason: { key: "holdReason.new_country" as const, values: { country: "JP" } } }];
    const holdMails = (email: string) =>
      sink.messages.filter((m) => m.to.includes(email) && m.subject === "Was this you signing in to Gatehouse?");
    let interactions = 0;
    const spend = async () => {};
    const makeHold = async (
      ttlSeconds = 900,
      user?: { id: string; email: string; username: string },
      interactionUid = `uid-test-${++interactions}`,
    ) => {
      const who = user ?? (await t.createUser());
      const before = holdMails(who.email).length;
      const holdId = await risk.hold(who, { interactionUid, fired, ttlSeconds, spend }, { ...req(TOKYO), clientId: "client-x" });
      await sink.waitFor(() => holdMails(who.email).length > before);
      const mail = holdMails(who.email).at(-1)!;
      const token = (kind: number) => [...mail.text.matchAll(/\/login-holds\/([\w-]+)/g)][kind]![1]!;
      return { user: who, holdId, approve: token(0), deny: token(1), mail, interactionUid };
    };

    it("only the tokens' sha256 is in Redis; the hold knows user, interaction and rules; login.held audited", async () => {
      const { user, holdId, approve, deny, interactionUid } = await makeHold();
      const prefix = t.config.redis.keyPrefix;
      const keys = await t.app.redis.keys(`${prefix}risk:*`); // KEYS is not prefixed by ioredis
      expect(keys.length).toBeGreaterThanOrEqual(3);
      const values = await Promise.all(keys.map((k) => t.app.redis.get(k.slice(prefix.length))));
      const everything = keys.join(" ") + values.join(" ");
      expect(everything).not.toContain(approve);
      expect(everything).not.toContain(deny);
      expect(everything).toContain(sha256(approve));
      const status = await risk.status(holdId, req(TOKYO));
      expect(status).toMatchObject({
        status: "pending",
        hold: { userId: user.id, interactionUid, rules: ["new_country"], clientId: "client-x" },
      });
      expect((await events(user.id, "login.held"))[0]!.data).toMatchObject({ holdId, rules: ["new_country"], ttlSeconds: 900 });
    });

    it("inspecting decides nothing; approving works once and kills the deny link", async () => {
      const { user, holdId, approve, deny } = await makeHold();
      expect(await risk.inspectLink(approve, req(LONDON))).toMatchObject({ outcome: "valid", kind: "approve" });
      expect(await risk.inspectLink(deny, req(LONDON))).toMatchObject({ outcome: "valid", kind: "deny" });
      expect((await risk.status(holdId, req(TOKYO)))!.status).toBe("pending");
      clock.advance(42);
      expect(await risk.decide(approve, req(LONDON))).toMatchObject({ outcome: "approved" });
      expect((await risk.status(holdId, req(TOKYO)))!.status).toBe("approved");
      expect(await risk.decide(approve, req(LONDON))).toEqual({ outcome: "invalid" });
      expect(await risk.inspectLink(deny, req(LONDON))).toEqual({ outcome: "invalid" });
      expect(await risk.decide(deny, req(LONDON))).toEqual({ outcome: "invalid" });
      expect((await risk.status(holdId, req(TOKYO)))!.status).toBe("approved");
      const approved = await events(user.id, "login.hold_approved");
      expect(approved).toHaveLength(1);
      expect(approved[0]!.data).toMatchObject({ holdId, rules: ["new_country"], latencyMs: 42_000 });
      expect(await events(user.id, "login.hold_denied")).toHaveLength(0);
    });

    it("approve and deny at once: exactly one decides", async () => {
      const { user, holdId, approve, deny } = await makeHold();
      const results = await Promise.all([risk.decide(approve, req(LONDON)), risk.decide(deny, req(LONDON))]);
      const decided = results.filter((r) => r.outcome !== "invalid");
      expect(decided).toHaveLength(1);
      expect((await risk.status(holdId, req(TOKYO)))!.status).toBe(decided[0]!.outcome);
      const audited = [...(await events(user.id, "login.hold_approved")), ...(await events(user.id, "login.hold_denied"))];
      expect(audited).toHaveLength(1);
    });

    it("past its TTL (by the app's clock) a link is expired, changes nothing, and the expiry is audited once", async () => {
      const { user, holdId, approve, deny } = await makeHold(900);
      clock.advance(900);
      expect(await risk.inspectLink(approve, req(LONDON))).toMatchObject({ outcome: "expired" });
      expect(await risk.decide(deny, req(LONDON))).toMatchObject({ outcome: "expired" });
      expect(await risk.decide(approve, req(LONDON))).toMatchObject({ outcome: "expired" });
      expect((await risk.status(holdId, req(TOKYO)))!.status).toBe("expired");
      expect(await events(user.id, "login.hold_expired")).toHaveLength(1);
      expect(await events(user.id, "login.hold_approved")).toHaveLength(0);
      expect(await events(user.id, "login.hold_denied")).toHaveLength(0);
    });

    it("a new hold for the same interaction supersedes the earlier: its links are dead, its status 'superseded', audited", async () => {
      const first = await makeHold();
      const second = await makeHold(900, first.user, first.interactionUid);
      expect(second.holdId).not.toBe(first.holdId);
      expect((await risk.status(first.holdId, req(TOKYO)))!.status).toBe("superseded");
      expect(await risk.inspectLink(first.approve, req(LONDON))).toEqual({ outcome: "invalid" });
      expect(await risk.decide(first.approve, req(LONDON))).toEqual({ outcome: "invalid" });
      expect(await risk.decide(first.deny, req(LONDON))).toEqual({ outcome: "invalid" });
      expect(await events(first.user.id, "login.hold_approved")).toHaveLength(0);
      expect(await events(first.user.id, "login.hold_denied")).toHaveLength(0);
      expect((await events(first.user.id, "login.hold_superseded")).map((e) => (e.data as { holdId: string }).holdId)).toEqual([
        first.holdId,
      ]);
      // the new hold is untouched; another interaction's hold of the same user is not superseded
      const elsewhere = await makeHold(900, first.user);
      expect((await risk.status(second.holdId, req(TOKYO)))!.status).toBe("pending");
      expect(await risk.decide(second.approve, req(LONDON))).toMatchObject({ outcome: "approved" });
      expect((await risk.status(elsewhere.holdId, req(TOKYO)))!.status).toBe("pending");
      // a decided hold is not superseded afterwards (a third hold in the same interaction leaves "approved" alone)
      await makeHold(900, first.user, first.interactionUid);
      expect((await risk.status(second.holdId, req(TOKYO)))!.status).toBe("approved");
      expect(await events(first.user.id, "login.hold_superseded")).toHaveLength(1);
    });

    it("when the email limit refuses, nothing is held or sent, the interaction's earlier hold still ends, login.failed audited", async () => {
      const first = await makeHold();
      const refused = async () => {
        throw new Error("over the limit");
      };
      await expect(
        risk.hold(
          first.user,
          { interactionUid: first.interactionUid, fired, ttlSeconds: 900, spend: refused },
          { ...req(TOKYO), clientId: "client-x" },
        ),
      ).rejects.toThrow("over the limit");
      expect(holdMails(first.user.email)).toHaveLength(1);
      expect(await events(first.user.id, "login.held")).toHaveLength(1);
      expect((await risk.status(first.holdId, req(TOKYO)))!.status).toBe("superseded");
      expect(await risk.inspectLink(first.approve, req(LONDON))).toEqual({ outcome: "invalid" });
      expect((await events(first.user.id, "login.failed")).at(-1)!.data).toMatchObject({
        reason: "hold_email_limit",
        rules: ["new_country"],
      });
    });

    it("unknown tokens are invalid", async () => {
      expect(await risk.inspectLink("x".repeat(43), req(LONDON))).toEqual({ outcome: "invalid" });
      expect(await risk.decide("y".repeat(43), req(LONDON))).toEqual({ outcome: "invalid" });
    });
  });
});
