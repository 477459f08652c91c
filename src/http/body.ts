// Body parsing for Gatehouse's own POST routes only (oidc-provider parses its own endpoints' bodies), with
// the configured size limit: an oversized body is a 413 before any work is done.
import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";

export function parseBody(limit: string): Middleware {
  return bodyParser({ enableTypes: ["form", "json"], formLimit: limit, jsonLimit: limit });
}
