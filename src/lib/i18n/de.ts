// Deutsch: the sign-in pages (keys and {placeholders} as in en.ts).
import type { MessageKey } from "./en.ts";
import { dePages } from "./de-pages.ts";
import { deAccount } from "./de-account.ts";
import { deMail } from "./de-mail.ts";
import { deSignIn } from "./de-signin.ts";
import { deAdmin } from "./de-admin.ts";
import { deAdminConfig } from "./de-admin-config.ts";
import { deTeams } from "./de-teams.ts";
import { deHolds } from "./de-holds.ts";

export const de: Record<MessageKey, string> = {
  "layout.skip": "Zum Inhalt springen",
  "layout.theme": "Darstellung:",
  "layout.theme.system": "System",
  "layout.theme.light": "Hell",
  "layout.theme.dark": "Dunkel",
  "layout.footer": "OpenID-Connect-Identitätsanbieter",
  "layout.poweredBy": "betrieben mit Gatehouse",
  "layout.admin": "Verwaltung",
  "layout.support": "Hilfe",
  "layout.terms": "Nutzungsbedingungen",
  "layout.privacy": "Datenschutz",

  "login.title": "Willkommen",
  "login.subtitle": "Melden Sie sich an oder erstellen Sie ein neues Konto.",
  "login.subtitleClient": "Melden Sie sich an, um mit {client} fortzufahren, oder erstellen Sie ein neues Konto.",
  "login.tabs": "Anmelden oder registrieren",
  "login.tabSignIn": "Anmelden",
  "login.tabRegister": "Registrieren",
  "login.identifier": "E-Mail-Adresse oder Benutzername",
  "login.password": "Passwort",
  "login.remember": "Angemeldet bleiben",
  "login.submit": "Anmelden",
  "login.passkey": "Mit einem Passkey anmelden",
  "login.magicLabel": "Oder einen Anmeldelink per E-Mail erhalten",
  "login.magicSubmit": "Anmeldelink per E-Mail senden",
  "login.upstreams": "Oder anmelden mit",
  "login.upstream": "Mit {name} anmelden",
  "login.sso": "Weiter mit Single Sign-on",
  "login.forgot": "Passwort vergessen?",
  "login.verify": "E-Mail-Adresse noch nicht bestätigt?",
  "login.adminRegister": "Als Administrator registrieren",

  "totp.title": "Zwei-Faktor-Authentifizierung",
  "totp.signingInTo": "Anmeldung bei {client}",
  "totp.oneMoreStep": "Noch ein Schritt bis zur Anmeldung",
  "totp.passkeyUnsupported":
    "Verwenden Sie Ihren Passkey oder Sicherheitsschlüssel. Dafür sind JavaScript und ein Browser mit Passkey-Unterstützung nötig.",
  "totp.passkeyHint":
    "Ihr Browser fragt nach Ihrem Passkey oder Sicherheitsschlüssel (berühren Sie ihn oder entsperren Sie mit Fingerabdruck, Gesicht oder PIN).",
  "totp.passkeyButton": "Passkey oder Sicherheitsschlüssel verwenden",
  "totp.backupLabel": "Backup-Code",
  "totp.backupHint":
    "Geben Sie einen der Backup-Codes ein, die Sie beim Einrichten der Zwei-Faktor-Authentifizierung gespeichert haben. Jeder Code funktioniert einmal.",
  "totp.codeLabel": "Authentifizierungscode",
  "totp.codeHint": "Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.",
  "totp.verify": "Bestätigen",
  "totp.usePasskey": "Passkey oder Sicherheitsschlüssel verwenden",
  "totp.useApp": "Authenticator-App verwenden",
  "totp.useBackup": "Backup-Code verwenden",
  "totp.startOver": "Mit einem anderen Konto neu beginnen",

  "consent.thisApp": "Diese Anwendung",
  "consent.wantsTo": "{client} möchte:",
  "consent.signedInAs": "Angemeldet als",
  "consent.notYou": "Nicht Sie?",
  "consent.scope.openid": "Sie anmelden",
  "consent.scope.profile": "Ihren Namen und Benutzernamen sehen",
  "consent.scope.email": "Ihre E-Mail-Adresse sehen",
  "consent.scope.offline_access": "Sie bei {client} angemeldet halten, während Sie nicht da sind",
  "consent.scope.other": "Die Berechtigung nutzen",
  "consent.continue": "Mit Ihrem {product}-Konto fortfahren.",
  "consent.trust": "Erlauben Sie dies nur, wenn Sie {client} vertrauen.",
  "consent.allow": "Erlauben",
  "consent.deny": "Ablehnen",

  "forgot.title": "Passwort zurücksetzen",
  "forgot.subtitle":
    "Geben Sie die E-Mail-Adresse oder den Benutzernamen Ihres Kontos ein. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen.",
  "forgot.submit": "Link senden",
  "common.backToSignIn": "Zurück zur Anmeldung",
  "common.identifier": "E-Mail-Adresse oder Benutzername",
  "sent.title": "Sehen Sie in Ihr Postfach",
  "sent.body":
    "Falls zu dieser Adresse ein Konto besteht, haben wir einen Link zum Zurücksetzen des Passworts gesendet. Der Link funktioniert einmal und läuft bald ab.",
  "sent.nothing": "Nach einigen Minuten nichts angekommen? Sehen Sie im Spam-Ordner nach, oder",
  "sent.askAgain": "fordern Sie ihn erneut an",
  "resetInvalid.title": "Dieser Link ist abgelaufen oder wurde schon verwendet",
  "resetInvalid.body": "Links zum Zurücksetzen funktionieren einmal, für begrenzte Zeit, und nur der zuletzt angeforderte gilt.",
  "resetInvalid.ask": "Neuen Link anfordern",
  "reset.title": "Neues Passwort wählen",
  "reset.subtitle": "Für das Konto {username}. Danach werden alle Sitzungen des Kontos abgemeldet.",
  "reset.password": "Neues Passwort",
  "reset.noReuse": "Ihre letzten Passwörter können nicht wiederverwendet werden.",
  "reset.code": "Zwei-Faktor-Code",
  "reset.codeHint":
    "Der 6-stellige Code aus Ihrer Authenticator-App oder einer Ihrer Backup-Codes. Ein Zurücksetzen überspringt nie Ihren zweiten Faktor.",
  "reset.submit": "Neues Passwort setzen",

  "refusal.invalidCredentials": "E-Mail-Adresse oder Passwort ist falsch",
  "refusal.invalidCode": "Der Code ist ungültig",
  "refusal.passkeyRefused": "Dieser Passkey wurde nicht akzeptiert. Versuchen Sie es erneut oder melden Sie sich anders an.",

  "password.hint":
    "Mindestens {min} Zeichen; Sonderzeichen sind nicht nötig. Einige zusammenhanglose Wörter ergeben ein starkes Passwort. Gängige Passwörter (auch mit angehängten Ziffern, Symbolen oder ähnlich aussehenden Buchstaben) und Passwörter aus Ihrem Namen, Benutzernamen oder Ihrer E-Mail-Adresse werden abgelehnt.",
  "register.invited":
    "Sie sind eingeladen, {team} als {role} beizutreten. Erstellen Sie Ihr Konto, um anzunehmen; Sie treten bei, sobald Ihre E-Mail-Adresse bestätigt ist.",
  "register.username": "Benutzername",
  "register.usernameHint": "3 bis 32 Buchstaben, Ziffern, Punkte, Bindestriche oder Unterstriche.",
  "register.email": "E-Mail-Adresse",
  "register.emailInvited": "Die Einladung wurde an diese Adresse gesendet.",
  "register.password": "Passwort",
  "register.teamName": "Teamname",
  "register.teamNameHint": "Ein neues Team mit Ihnen als Inhaber. Andere können Sie später einladen.",
  "register.teamSlug": "Teamadresse (optional)",
  "register.teamSlugHint":
    "Kleinbuchstaben, Ziffern und Bindestriche; Anwendungen fragen damit nach diesem Team. Leer gelassen, wird sie aus dem Namen gebildet.",
  "register.submit": "Registrieren",

  "error.eyebrow": "Fehler {status}",
  "error.title": "Etwas ist schiefgelaufen",
  "error.message": "Die Anfrage konnte nicht ausgeführt werden.",
  "error.notFound": "Seite nicht gefunden",
  "error.notFoundMessage": "Unter dieser Adresse gibt es keine Seite. Prüfen Sie den Link oder gehen Sie zur Startseite.",
  "error.requestProblem": "Problem mit der Anfrage",
  "error.server": "Fehler",
  "error.startAgain": "Neu beginnen",
  "error.home": "Zur Startseite",
  "error.reference": "Referenz:",
  ...dePages,
  ...deAccount,
  ...deMail,
  ...deSignIn,
  ...deAdmin,
  ...deAdminConfig,
  ...deTeams,
  ...deHolds,
};
