// The label mapping of lib/telemetry.ts: every method and result of a sign-in event lands on a fixed label value,
// and values from outside the fixed lists (what a request could put there) become "other".
import { describe, it, expect } from "vitest";
import { createTelemetry, deviceCodeResult, loginLabels } from "../../src/lib/telemetry.ts";
import { parseMetrics } from "../helpers/metrics.ts";

describe("telemetry labels", () => {
  it("maps sign-in events to result and first-factor method", () => {
    expect(loginLabels({ type: "login.succeeded", data: { amr: ["pwd", "otp"], method: "totp" } })).toEqual({
      result: "success",
      method: "password",
    });
    expect(loginLabels({ type: "login.succeeded", data: { amr: ["hwk", "user"], method: "passkey" } })).toEqual({
      result: "success",
      method: "passkey",
    });
    expect(loginLabels({ type: "login.succeeded", data: { amr: ["email"], method: "magic_link" } })).toEqual({
      result: "success",
      method: "magic_link",
    });
    expect(loginLabels({ type: "login.failed", data: { reason: "wrong_password" } })).toEqual({ result: "failure", method: "password" });
    expect(loginLabels({ type: "login.failed", data: { reason: "device_locked" } })).toEqual({ result: "locked", method: "password" });
    expect(loginLabels({ type: "login.failed", data: { reason: "hold_denied" } })).toEqual({ result: "held", method: "password" });
    expect(loginLabels({ type: "login.failed", data: { reason: "expired", method: "magic_link" } })).toEqual({
      result: "failure",
      method: "magic_link",
    });
    expect(loginLabels({ type: "login.failed", data: { reason: "x", method: "<script>" } })).toEqual({
      result: "failure",
      method: "other",
    });
    expect(loginLabels({ type: "login.second_factor_failed", data: { reason: "wrong_code", method: "totp" } })).toEqual({
      result: "second_factor_failure",
      method: "totp",
    });
    expect(loginLabels({ type: "login.locked", data: { scope: "account" } })).toBeNull();
  });

  it("maps device approval events and counts unknown grant types as other", async () => {
    expect(deviceCodeResult({ type: "device.code_sent" })).toBe("sent");
    expect(deviceCodeResult({ type: "device.trusted", data: { how: "code" } })).toBe("verified");
    expect(deviceCodeResult({ type: "device.trusted", data: { how: "totp" } })).toBeNull();
    expect(deviceCodeResult({ type: "device.code_failed" })).toBe("failed");
    const t = createTelemetry();
    t.tokenIssued("authorization_code");
    t.tokenIssued("made-up-grant");
    t.auditRecorded([{ type: "login.locked", data: { scope: "evil" } }, { type: "login.held" }, { type: "device.code_sent" }]);
    const m = parseMetrics(await t.registry.metrics());
    expect(m.get('gatehouse_tokens_issued_total{grant_type="authorization_code"}')).toBe(1);
    expect(m.get('gatehouse_tokens_issued_total{grant_type="other"}')).toBe(1);
    expect(m.get('gatehouse_lockouts_total{scope="other"}')).toBe(1);
    expect(m.get("gatehouse_risk_holds_total")).toBe(1);
    expect(m.get('gatehouse_device_codes_total{result="sent"}')).toBe(1);
  });
});
