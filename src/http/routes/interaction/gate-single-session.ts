// PLACEHOLDER (to be replaced in this change): the single_session login gate; passes every login for now.
import type Router from "@koa/router";
import type { Middleware } from "koa";
import type { AppContext } from "../../../context.ts";
import type { InteractionHelpers } from "./shared.ts";
import type { GateRunner, LoginGate } from "./gates.ts";

export function createSingleSessionGate(_app: AppContext, _h: InteractionHelpers) {
  const gate: LoginGate = { name: "single_session", check: async () => ({ pass: true }) };
  return { gate, register(_router: Router, _gates: GateRunner, _body: Middleware): void {} };
}
