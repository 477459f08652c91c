// Français: a held sign-in's reasons and facts (keys and {placeholders} as in en-holds.ts).
import type { enHolds } from "./en-holds.ts";

export const frHolds: Record<keyof typeof enHolds, string> = {
  "holdReason.new_country": "une connexion depuis un pays d’où vous ne vous étiez jamais connecté ({country})",
  "holdReason.new_network": "une connexion depuis un réseau d’où vous ne vous étiez jamais connecté ({ip})",
  "holdReason.impossible_travel":
    "une connexion à environ {km} km de la précédente, {gap} plus tard : plus vite que quiconque ne peut voyager",
  "holdReason.impossible_travelFrom":
    "une connexion à environ {km} km de la précédente ({country}), {gap} plus tard : plus vite que quiconque ne peut voyager",
  "holdReason.gap.lessThanMinute": "moins d’une minute",
  "holdReason.gap.minute": "seulement {count} minute",
  "holdReason.gap.minutes": "seulement {count} minutes",
  "holdReason.gap.hours": "seulement {count} heures",
  "holdReason.unknownLocation": "lieu inconnu",
  "holdReason.unknownAddress": "adresse inconnue",
  "holdReason.yourAccount": "votre compte Gatehouse",
  "holdReason.anApplication": "une application",
  "holdReason.unknownBrowser": "un navigateur inconnu",
};
