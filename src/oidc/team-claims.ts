// Which team a grant speaks for, and what tokens say about it. A grant has at most one team (kept in Redis beside
// the grant, grant-team.ts); access tokens carry team, role and the role's resolved permissions, the ID token and userinfo
// carry team and role with the `roles` scope. Everything is read at issuance, so a role change or a removal
// shows in the next token. The `team` authorization parameter picks the team; a "team" prompt asks the user
// when a live session cannot tell which team is meant.
import { errors, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import type { TeamClaims as ResolvedTeamClaims } from "../services/teams.ts";
import { chooseTeam, isTeamParam, type TeamChoice, type TeamOption } from "../services/team-choice.ts";
import type { TokenClaimContributor } from "./token-claims.ts";

type GrantLike = { jti: string; exp?: number; save(): Promise<string> };
type Store = {
  grantTeam(grantId: string): Promise<string | null>;
  setGrantTeam(grantId: string, teamId: string | null, grantExp?: number): Promise<void>;
};
type Teams = {
  membershipsOf(userId: string): Promise<TeamOption[]>;
  claimsFor(userId: string, teamId: string): Promise<ResolvedTeamClaims | null>;
};

/** what an interaction result may carry: the team picked on the team page (null: go on without one) */
export type TeamResult = { gatehouse?: { teamId?: string | null } };

/**
 * Which of the role's codes a token for this audience carries: Gatehouse's own API gets the team-level core
 * codes; any other resource gets the apps' codes (plugins', relying parties'), only the requesting client's
 * namespace when it has one. So one app never learns another's permissions, nor bloats its tokens.
 */
export type AudienceFilter = { apiAudience: string; namespaceOf(clientId: string): Promise<string | null> };

async function forAudience(
  filter: AudienceFilter | undefined,
  codes: string[],
  aud: unknown,
  clientId: string | undefined,
): Promise<string[]> {
  if (!filter) return codes;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (audiences.includes(filter.apiAudience)) return codes.filter((c) => c.startsWith("gatehouse.team."));
  const namespace = clientId ? await filter.namespaceOf(clientId) : null;
  return codes.filter((c) => !c.startsWith("gatehouse.") && (!namespace || c.startsWith(`${namespace}.`)));
}

export function createTeamClaims(deps: { teams: Teams; store: Store; exemptClients?: string[]; audience?: AudienceFilter }) {
  const { teams, store } = deps;
  const exempt = new Set(deps.exemptClients ?? []);
  // the choice made while loading the grant, read again by the team prompt's checks in the same request
  const choices = new WeakMap<object, TeamChoice>();

  async function resolved(accountId: string | undefined, grantId: string | undefined): Promise<ResolvedTeamClaims | null> {
    if (!accountId || !grantId) return null;
    const teamId = await store.grantTeam(grantId);
    return teamId ? teams.claimsFor(accountId, teamId) : null;
  }

  const accessTokenClaims: TokenClaimContributor = async (_ctx, token) => {
    const claims = await resolved(token.accountId, token.grantId);
    if (!claims) return undefined;
    return {
      team: { id: claims.team.id, slug: claims.team.slug },
      role: claims.role,
      permissions: await forAudience(deps.audience, claims.permissions, token.aud, token.clientId),
    };
  };

  return {
    accessTokenClaims,

    /** ID token and userinfo claims for the `roles` scope (nothing when the grant has no team the user still has) */
    async identityClaims(accountId: string, grantId: string | undefined): Promise<Record<string, unknown>> {
      const claims = await resolved(accountId, grantId);
      return claims ? { team: claims.team, role: claims.role } : {};
    },

    /** refuses a malformed `team` parameter (oidc-provider's extraParams validator) */
    validateParam(_ctx: KoaContextWithOIDC, value: string | undefined): void {
      if (value !== undefined && (value.length > 64 || !isTeamParam(value)))
        throw new errors.InvalidRequest("the team parameter must be a team's slug or id");
    },

    /**
     * Called while the authorization loads the grant: sets the grant's team from the team page's pick, the
     * `team` parameter, or what `chooseTeam` finds. A grant that must carry a team is saved here if new.
     */
    async applyToGrant<G extends GrantLike>(ctx: KoaContextWithOIDC, grant: G | undefined, createGrant: () => G): Promise<G | undefined> {
      const { session, client, params } = ctx.oidc;
      const accountId = session?.accountId;
      if (!accountId || !client || exempt.has(client.clientId)) return grant;
      const picked = (ctx.oidc.result as TeamResult | undefined)?.gatehouse;
      let choice: TeamChoice;
      if (picked && "teamId" in picked) {
        // the login flow or the team page of this very interaction settled it (a membership it checked moments
        // ago): carried, not looked up again; a team left in the meantime gives tokens no team claims, since
        // claimsFor checks the membership at every issuance
        choice = { kind: "use", teamId: picked.teamId ?? null };
      } else {
        const current = grant ? await store.grantTeam(grant.jti) : null;
        choice = chooseTeam(await teams.membershipsOf(accountId), typeof params?.team === "string" ? params.team : undefined, current);
      }
      choices.set(ctx, choice);
      if (choice.kind === "ask") return grant;
      if (!grant) {
        if (choice.teamId === null) return grant;
        grant = createGrant();
        await grant.save();
      }
      await store.setGrantTeam(grant.jti, choice.teamId, grant.exp);
      return grant;
    },

    /** the "team" prompt: the team page for a live session; with prompt=none an OIDC error instead */
    prompt(): interactionPolicy.Prompt {
      const asked = (ctx: KoaContextWithOIDC, reason: "choose" | "not_member") => {
        const c = choices.get(ctx);
        return c?.kind === "ask" && c.reason === reason;
      };
      const details = async (ctx: KoaContextWithOIDC) => {
        const c = choices.get(ctx);
        return c?.kind === "ask" && c.requested ? { requestedTeam: c.requested } : {};
      };
      return new interactionPolicy.Prompt(
        { name: "team", requestable: false },
        details,
        new interactionPolicy.Check("team_not_member", "the End-User is not a member of the requested team", "access_denied", (ctx) =>
          asked(ctx, "not_member"),
        ),
        new interactionPolicy.Check("team_required", "the End-User has several teams and must choose one", "interaction_required", (ctx) =>
          asked(ctx, "choose"),
        ),
      );
    },
  };
}

export type TeamClaimsService = ReturnType<typeof createTeamClaims>;
