import { describe, it, expect } from "vitest";
import { nodeVersionProblem } from "../../src/node-version.ts";

describe("node version check", () => {
  it("accepts Node 22.12+ and 24+, refuses older with a clear message", () => {
    expect(nodeVersionProblem("22.12.0")).toBeUndefined();
    expect(nodeVersionProblem("22.23.3")).toBeUndefined();
    expect(nodeVersionProblem("24.1.0")).toBeUndefined();
    expect(nodeVersionProblem("20.20.2")).toMatch(/needs Node\.js >= 22\.12.*this is Node\.js 20\.20\.2/);
    expect(nodeVersionProblem("22.11.0")).toMatch(/22\.11\.0/);
  });
  it("the tests themselves run on a supported Node", () => {
    expect(nodeVersionProblem()).toBeUndefined();
  });
});
