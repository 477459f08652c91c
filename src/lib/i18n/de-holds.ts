// Deutsch: a held sign-in's reasons and facts (keys and {placeholders} as in en-holds.ts).
import type { enHolds } from "./en-holds.ts";

export const deHolds: Record<keyof typeof enHolds, string> = {
  "holdReason.new_country": "eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben ({country})",
  "holdReason.new_network": "eine Anmeldung aus einem Netzwerk, aus dem Sie sich bisher nicht angemeldet haben ({ip})",
  "holdReason.impossible_travel":
    "eine Anmeldung etwa {km} km von Ihrer vorherigen entfernt, {gap} später – schneller, als jemand reisen kann",
  "holdReason.impossible_travelFrom":
    "eine Anmeldung etwa {km} km von Ihrer vorherigen ({country}) entfernt, {gap} später – schneller, als jemand reisen kann",
  "holdReason.gap.lessThanMinute": "weniger als eine Minute",
  "holdReason.gap.minute": "nur {count} Minute",
  "holdReason.gap.minutes": "nur {count} Minuten",
  "holdReason.gap.hours": "nur {count} Stunden",
  "holdReason.unknownLocation": "unbekannter Ort",
  "holdReason.unknownAddress": "unbekannte Adresse",
  "holdReason.yourAccount": "Ihrem Gatehouse-Konto",
  "holdReason.anApplication": "einer Anwendung",
  "holdReason.unknownBrowser": "ein unbekannter Browser",
};
