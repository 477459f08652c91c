// Passkeys on the sign-in pages: POST /interaction/:uid/passkey/options answers the options for
// navigator.credentials.get as JSON (`factor` first: any discoverable passkey, for the identifier field's
// autofill and the "Sign in with a passkey" button; second: the keys of the user waiting at the code page),
// with a challenge bound to this interaction. The browser's answer then goes in an ordinary form POST
// (/interaction/:uid/passkey for the first factor; the code page's form for the second), so the rest of the
// sign-in (gates, team, consent) is the same redirects as after a password. CSRF on both; the answers are
// rate-limited per IP like passwords.
import { z } from "zod";
import type { LoginEngine } from "../../../flows/login/engine.ts";
import { catalogueError } from "../../errors.ts";
import { MAX_RESPONSE_CHARS } from "../../../services/passkeys/responses.ts";
import type { InteractionHelpers } from "./shared.ts";
import type { Forms } from "../../forms.ts";

const optionsBody = z.object({ factor: z.enum(["first", "second"]) });

/** the form field carrying the browser's answer (JSON text); its shape is checked by the passkey service */
export const passkeyResponse = z
  .string()
  .min(2, "The passkey did not answer. Try again.")
  .max(MAX_RESPONSE_CHARS, "That passkey answer is too large.");

export function registerPasskeyOptions(h: InteractionHelpers, engine: LoginEngine, forms: Forms) {
  forms.post({
    path: "/interaction/:uid/passkey/options",
    ...h.loginForm,
    body: optionsBody,
    invalid: async () => {
      throw catalogueError("passkey.bad_request");
    },
    async handle(ctx, { scope: interaction, body: { factor } }) {
      // not rate-limited: one challenge per interaction and factor (a new one replaces the old), and the answers
      // are (the sign-in form's limits); the page asks on every load for the autofill
      const options = await engine.passkeyOptions(h.facts(ctx, interaction), factor === "first" ? "first_factor" : "second_factor");
      if (!options) throw h.expired(interaction.uid);
      ctx.set("Cache-Control", "no-store");
      ctx.body = options;
    },
  });
}
