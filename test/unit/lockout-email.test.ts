// The lockout email follows the refusal that starts a lock instead of holding it up (services/sign-in-locks.ts,
// `later`): awaited, its extra work (an unlock link in Redis, two templates, an outbox row) would make a known
// account's lock start slower than an unknown identifier's. No stopwatch here: a mailer that waits for the test
// shows the refusal does not wait for it, and the email still arrives; one that fails is retried and logged.
import { describe, it, expect } from "vitest";
import { ATTACKER, PASSWORD, START, reasonOf, setup, wrong } from "../helpers/lockout-rules-env.ts";

describe("lockout rules: the owner's email never holds up the refusal", () => {
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };

  it("the failure that starts a known account's lock is refused before its email is handed over; the email follows", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let mailStarted!: () => void;
    const started = new Promise<void>((r) => {
      mailStarted = r;
    });
    const env = await setup({
      networkThreshold: 1000,
      beforeMail: () => {
        mailStarted();
        return gate;
      },
    });
    const lee = env.add("lee");
    await wrong(env, "lee", ATTACKER, 4);
    const refusal = env.signIn("lee", "wrong 5", ATTACKER);
    // awaited on the response path, a slow email would hold the refusal back for as long as the gate is closed
    const held = started.then(settle).then(() => "held back by the email" as const);
    expect(await Promise.race([refusal, held])).toEqual({
      outcome: "invalid",
      userId: lee.id,
      reason: "wrong_password",
      lockedUntil: new Date((START + 600) * 1000),
    });
    expect(env.mails).toEqual([]);
    expect(env.lockEvents("account")).toHaveLength(1); // the audit record is written before the answer, as for an unknown identifier
    release();
    await env.settled();
    expect(env.mails).toEqual([
      expect.objectContaining({ to: lee.email, attempts: 5, factor: "password", unlockLink: expect.stringMatching(/\/unlock\?token=/) }),
    ]);
    expect(await env.unlockLinks.inspect(new URL(env.mails[0]!.unlockLink!).searchParams.get("token")!)).toMatchObject({
      outcome: "valid",
      user: { id: lee.id },
    });
  });

  it("an email that cannot be handed over is retried and logged; the refusal is the same", async () => {
    let failures = 1;
    const env = await setup({
      networkThreshold: 1000,
      beforeMail: async () => {
        if (failures-- > 0) throw new Error("mailer away");
      },
    });
    const max = env.add("max");
    await wrong(env, "max", ATTACKER, 5);
    expect(env.mails).toEqual([expect.objectContaining({ to: max.email, attempts: 5 })]);
    expect(env.logged).toEqual([{ level: "warn", msg: expect.stringContaining("retried") }]);

    failures = 100;
    const nia = env.add("nia");
    await wrong(env, "nia", ATTACKER, 5);
    expect(env.mails.filter((m) => m.to === nia.email)).toEqual([]);
    expect(env.logged.filter((l) => l.level === "error")).toEqual([{ level: "error", msg: expect.stringContaining("could not be") }]);
    expect(reasonOf(await env.signIn("nia", PASSWORD, ATTACKER))).toBe("locked");
  });
});
