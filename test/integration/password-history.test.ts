// Password history through the reset pages: the last PASSWORD_HISTORY (5) passwords, the current one
// included, are refused with a clear message and the link stays usable; the 6th-oldest is accepted again, and
// the stored history keeps only the newest five; PASSWORD_HISTORY=0 turns the check off.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";

const SUBJECT = "Reset your Gatehouse password";
const REUSED = "Choose a password you have not used recently (your last 5 passwords cannot be reused).";
const PASSWORDS = [
  "copper falcon beneath the quarry",
  "silent meadow across the river",
  "orange glacier behind the temple",
  "hollow trumpet under a blue moon",
  "velvet compass near the lighthouse",
  "rusty bicycle inside the greenhouse",
  "frozen lemonade over the canyon",
];
type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
type User = Awaited<ReturnType<TestApp["createUser"]>>;

const linkIn = (mail: ReceivedMail) => /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail.text)![0];

/** reset-page helpers for one app: open a fresh link, and submit a new password on it */
function resets(t: TestApp, sink: Sink) {
  const mails = (user: User) => sink.messages.filter((m) => m.to.includes(user.email) && m.subject === SUBJECT);
  return {
    async open(user: User, browser = new TestBrowser(t.url)): Promise<{ browser: TestBrowser; form: Page }> {
      const seen = mails(user).length;
      await browser.submit(await browser.go(`${t.url}/forgot-password`), "/forgot-password", { identifier: user.email });
      await sink.waitFor(() => mails(user).length > seen);
      const form = await browser.go(linkIn(mails(user)[seen]!));
      expect(form.status).toBe(200);
      return { browser, form };
    },
    submit: (link: { browser: TestBrowser; form: Page }, password: string) =>
      link.browser.submit(link.form, "/reset-password", { password }, { stopAt: `${t.url}/login` }),
  };
}

const passwordIs = async (t: TestApp, userId: string, password: string) =>
  t.app.services.passwords.verify((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash, password);

describe("password history on reset (PASSWORD_HISTORY=5, the default)", () => {
  let t: TestApp;
  let sink: Sink;
  let reset: ReturnType<typeof resets>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    reset = resets(t, sink);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("refuses each of the last five passwords, accepts the sixth-oldest, and keeps only five", async () => {
    const [p0, p1, p2, p3, p4, p5] = PASSWORDS as [string, string, string, string, string, string];
    const user = await t.createUser({ password: p0 });
    for (const next of [p1, p2, p3, p4, p5]) expect((await reset.submit(await reset.open(user), next)).status).toBe(303);
    expect(await t.app.db.prisma.passwordHistory.count({ where: { userId: user.id } })).toBe(5);

    const link = await reset.open(user);
    for (const old of [p5, p4, p3, p2, p1]) {
      const refused = await reset.submit(link, old);
      expect(refused.status).toBe(400);
      expect(refused.html).toContain(REUSED);
      expect(refused.html).toContain('name="token"'); // the form again, the link still usable
    }
    expect(await passwordIs(t, user.id, p5)).toBe(true);

    // p0 is the sixth-oldest: allowed again, on the same link
    expect((await reset.submit(link, p0)).status).toBe(303);
    expect(await passwordIs(t, user.id, p0)).toBe(true);
    expect(await t.app.db.prisma.passwordHistory.count({ where: { userId: user.id } })).toBe(5);

    // the history moved on: p1 is now sixth-oldest and allowed, p2 still refused
    const next = await reset.open(user);
    expect((await reset.submit(next, p2)).html).toContain(REUSED);
    expect((await reset.submit(next, p1)).status).toBe(303);
  });
});

describe("password history turned off (PASSWORD_HISTORY=0)", () => {
  let t: TestApp;
  let sink: Sink;
  let reset: ReturnType<typeof resets>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, PASSWORD_HISTORY: "0" });
    reset = resets(t, sink);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("accepts the current and earlier passwords again", async () => {
    const [p0, p1] = PASSWORDS as [string, string];
    const user = await t.createUser({ password: p0 });
    expect((await reset.submit(await reset.open(user), p0)).status).toBe(303); // the current one
    expect((await reset.submit(await reset.open(user), p1)).status).toBe(303);
    expect((await reset.submit(await reset.open(user), p0)).status).toBe(303); // an earlier one
    expect(await passwordIs(t, user.id, p0)).toBe(true);
  });
});
