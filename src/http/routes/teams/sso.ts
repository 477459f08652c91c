// /account/teams/:slug/sso (#17 item 3, enterprise SSO per team): the Owner's page of the team's email domains.
// Add a domain (its TXT record is shown), verify it (a DNS look-up), attach an enabled sign-in provider, require
// single sign-on, set the default role and the upstream group -> role mapping ("group = role key", one a line),
// remove a domain (two steps). services/federation/team-domains.ts decides and audits; every POST checks CSRF.
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import type { AppContext } from "../../web-context.ts";
import type { TeamActor } from "../../../services/team-roles.ts";
import type { Said } from "../../../lib/i18n/refusal.ts";
import type { DomainChange, DomainRefusal } from "../../../services/federation/team-domains.ts";
import type { GroupRole } from "../../../queries/team-domains.ts";
import type { TeamPages } from "./shared.ts";

const STATUS: Record<string, number> = { invalid: 400, conflict: 409, unverified: 400, dns_unavailable: 503 };
const ID = /^[0-9a-f-]{36}$/i;

/** "group = role" lines; a line without "=" is reported with its number */
export function parseGroupRoles(text: string): GroupRole[] | { line: number } {
  const out: GroupRole[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const at = line.lastIndexOf("=");
    if (at <= 0) return { line: i + 1 };
    out.push({ group: line.slice(0, at).trim(), role: line.slice(at + 1).trim() });
  }
  return out;
}

export function registerSsoRoutes(router: Router, app: AppContext, pages: TeamPages, body: Middleware): void {
  const domains = app.services.teamDomains;
  const text = (ctx: Context, name: string, max: number) => String(pages.submitted(ctx)[name] ?? "").slice(0, max);
  const base = (actor: TeamActor) => `/account/teams/${actor.team.slug}/sso`;

  async function render(
    ctx: Context,
    actor: TeamActor,
    locals: { error?: string | Said; notice?: string; domain?: string } = {},
    status = 200,
  ) {
    const r = await domains.list(actor.team.id, actor.userId);
    if (r.outcome !== "ok") return pages.refuse(r);
    if (status === 503) ctx.set("Retry-After", "30");
    return pages.render(
      ctx,
      "sso",
      actor,
      {
        title: pages.say(ctx, "sso")("team.title.sso", { team: actor.team.name }),
        teamSection: "sso",
        domains: r.domains,
        choices: r.choices,
        ...locals,
      },
      status,
    );
  }
  const refused = (ctx: Context, actor: TeamActor, r: DomainRefusal, domain?: string) =>
    r.outcome === "not_found" || r.outcome === "forbidden"
      ? pages.refuse(r)
      : render(ctx, actor, { error: r, domain }, STATUS[r.outcome] ?? 400);
  /** the domain id in the URL (a malformed one is no such domain) */
  const idOf = (ctx: Context) => {
    const id = String(ctx.params.id ?? "");
    return ID.test(id) ? id.toLowerCase() : pages.refuse({ outcome: "not_found" });
  };

  router.get("/account/teams/:slug/sso", pages.requireAccount, async (ctx) => render(ctx, await pages.actor(ctx)));

  router.post("/account/teams/:slug/sso/domains", pages.requireAccount, body, async (ctx) => {
    const actor = await pages.actor(ctx);
    pages.verify(ctx, actor);
    const domain = text(ctx, "domain", 300);
    const r = await domains.add(actor.team.id, actor.userId, domain, pages.requestInfo(ctx));
    if (r.outcome !== "added") return refused(ctx, actor, r, domain);
    return render(ctx, actor, { notice: pages.say(ctx, "sso")("team.sso.added", { domain: r.domain.domain }) }, 201);
  });

  router.post("/account/teams/:slug/sso/domains/:id/verify", pages.requireAccount, body, async (ctx) => {
    const actor = await pages.actor(ctx);
    pages.verify(ctx, actor);
    const r = await domains.verify(actor.team.id, actor.userId, idOf(ctx), pages.requestInfo(ctx));
    if (r.outcome !== "verified") return refused(ctx, actor, r);
    return render(ctx, actor, { notice: pages.say(ctx, "sso")("team.sso.isVerified", { domain: r.domain.domain }) });
  });

  router.post("/account/teams/:slug/sso/domains/:id", pages.requireAccount, body, async (ctx) => {
    const actor = await pages.actor(ctx);
    pages.verify(ctx, actor);
    const mapping = parseGroupRoles(text(ctx, "groupRoles", 20_000));
    if ("line" in mapping) return render(ctx, actor, { error: pages.say(ctx, "sso")("team.sso.badMapping", { line: mapping.line }) }, 400);
    const connector = text(ctx, "connector", 40);
    const defaultRole = text(ctx, "defaultRole", 48);
    const change: DomainChange = {
      connector: connector || null,
      ssoRequired: text(ctx, "ssoRequired", 4) === "1",
      defaultRole: defaultRole || null,
      groupRoles: mapping,
    };
    const r = await domains.update(actor.team.id, actor.userId, idOf(ctx), change, pages.requestInfo(ctx));
    if (r.outcome !== "updated") return refused(ctx, actor, r);
    return render(ctx, actor, { notice: pages.say(ctx, "sso")("team.sso.saved", { domain: r.domain.domain }) });
  });

  router.post("/account/teams/:slug/sso/domains/:id/remove", pages.requireAccount, body, async (ctx) => {
    const actor = await pages.actor(ctx);
    pages.verify(ctx, actor);
    const id = idOf(ctx);
    if (!pages.confirmed(ctx)) {
      const found = await domains.get(actor.team.id, actor.userId, id);
      if (found.outcome !== "ok") return pages.refuse(found);
      const say = pages.say(ctx, "confirm");
      return pages.confirm(ctx, actor, {
        title: say("team.sso.removeTitle"),
        back: base(actor),
        action: `${base(actor)}/domains/${id}/remove`,
        button: say("team.sso.removeButton"),
        message: say("team.sso.removeQuestion", { domain: found.domain.domain }),
      });
    }
    const r = await domains.remove(actor.team.id, actor.userId, id, pages.requestInfo(ctx));
    if (r.outcome !== "removed") return pages.refuse(r);
    return render(ctx, actor, { notice: "team.sso.removed" });
  });
}
