// The User-Agent readings behind session devices and emails: the label, the device type, and that the kept
// readings (parseUserAgent's cache) answer each header with its own reading.
import { describe, expect, it } from "vitest";
import { describeUserAgent, parseUserAgent } from "../../src/services/request/user-agent.ts";
import { deviceTypeOf } from "../../src/services/sessions/device.ts";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

describe("user agents", () => {
  it("labels a browser and its system", () => {
    expect(describeUserAgent(FIREFOX_LINUX)).toEqual({ browser: "Firefox 128", os: "Linux", label: "Firefox 128 on Linux" });
    expect(describeUserAgent(null).label).toBe("an unknown browser");
  });

  it("tells a phone from a desktop, also when asked again in another order", () => {
    expect(deviceTypeOf(FIREFOX_LINUX)).toBe("desktop");
    expect(deviceTypeOf(SAFARI_IPHONE)).toBe("mobile");
    expect(deviceTypeOf(FIREFOX_LINUX)).toBe("desktop");
    expect(describeUserAgent(SAFARI_IPHONE).browser).toBe("Mobile Safari 17");
    expect(deviceTypeOf("curl/8.0")).toBeNull();
  });

  it("keeps one reading per header (the first 512 characters)", () => {
    expect(parseUserAgent(FIREFOX_LINUX)).toBe(parseUserAgent(FIREFOX_LINUX));
    expect(parseUserAgent(FIREFOX_LINUX)).not.toBe(parseUserAgent(SAFARI_IPHONE));
    const long = FIREFOX_LINUX + " x".repeat(400);
    expect(parseUserAgent(long)).toBe(parseUserAgent(long.slice(0, 512) + " more"));
  });
});
