// Deutsch: the later steps of a sign-in and the refusals of the login flow (keys and {placeholders} as in en-signin.ts).
import type { enSignIn } from "./en-signin.ts";

export const deSignIn: Record<keyof typeof enSignIn, string> = {
  "signin.checkEmail": "Sehen Sie in Ihr Postfach",
  "signin.signingInTo": "Anmeldung bei {client}",
  "signin.signingIn": "Anmeldung",
  "signin.oneMoreStep": "Noch ein Schritt bis zur Anmeldung",
  "signin.startOver": "Neu beginnen",
  "signin.startOverOther": "Mit einem anderen Konto neu beginnen",
  "signin.continue": "Weiter",
  "signin.verify": "Bestätigen",
  "signin.linkInvalid": "Dieser Link ist nicht mehr gültig",

  "signin.device.fromNewDeviceTo": "Anmeldung bei {client} von einem neuen Gerät",
  "signin.device.fromNewDevice": "Anmeldung von einem neuen Gerät",
  "signin.device.accountLocked":
    "Für dieses Konto wurden zu viele falsche Codes eingegeben, daher senden und akzeptieren wir vorerst keine Codes. Versuchen Sie es später erneut, oder melden Sie sich von einem Gerät an, das Sie schon verwendet haben.",
  "signin.device.locked":
    "Es wurde kein Code richtig eingegeben, daher kann diese Anmeldung nicht fortgesetzt werden. Sie können neu beginnen: Wir senden Ihnen einen neuen Code per E-Mail.",
  "signin.device.emailed":
    "Wir haben einen Code an {email} gesendet. Geben Sie ihn ein, um zu bestätigen, dass dieses Gerät Ihnen gehört; beim nächsten Mal erkennen wir es wieder.",
  "signin.device.codeLabel": "Code aus der E-Mail",
  "signin.device.codeHint.one": "Der 6-stellige Code gilt {minutes} Minute.",
  "signin.device.codeHint.other": "Der 6-stellige Code gilt {minutes} Minuten.",
  "signin.device.resend": "Neuen Code senden",
  "signin.device.resendIn.one": "Einen neuen Code können Sie in {seconds} Sekunde anfordern. Laden Sie die Seite neu, um nachzusehen.",
  "signin.device.resendIn.other": "Einen neuen Code können Sie in {seconds} Sekunden anfordern. Laden Sie die Seite neu, um nachzusehen.",
  "signin.device.resent": "Wir haben Ihnen einen neuen Code gesendet. Der alte gilt nicht mehr.",

  "signin.enrol.title": "Zwei-Faktor-Authentifizierung einrichten",
  "signin.enrol.on":
    "Die Zwei-Faktor-Authentifizierung ist eingeschaltet. Bewahren Sie diese Backup-Codes sicher auf: Jeder funktioniert einmal, falls Sie Ihr Gerät verlieren. Sie werden nur jetzt angezeigt.",
  "signin.enrol.required":
    "Ihre Organisation verlangt einen zweiten Faktor für Ihr Konto. Richten Sie jetzt eine Authenticator-App ein, um die Anmeldung abzuschließen.",
  "signin.enrol.qr": "QR-Code, um dieses Konto zu einer Authenticator-App hinzuzufügen",
  "signin.enrol.cantScan": "Scannen klappt nicht? Geben Sie stattdessen diesen Schlüssel in der App ein (zeitbasiert, 6 Ziffern):",
  "signin.enrol.codeLabel": "Code aus der App",
  "signin.enrol.submit": "Einschalten und weiter",
  "signin.enrol.codeFormat": "Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein",
  "signin.enrol.already": "Die Zwei-Faktor-Authentifizierung ist für diese Anmeldung schon eingeschaltet.",

  "signin.hold.unusual":
    "Diese Anmeldung sieht ungewöhnlich aus, daher haben wir eine Nachricht an {email} gesendet, um sie zu bestätigen.",
  "signin.hold.openEmail":
    "Öffnen Sie die E-Mail und wählen Sie {approve}. Danach geht es auf dieser Seite von selbst weiter; Sie können sie offen lassen.",
  "signin.hold.approveWord": "Genehmigen",
  "signin.hold.waiting.one": "Wir warten auf Ihre Genehmigung. Die Links gelten etwa {minutes} Minute.",
  "signin.hold.waiting.other": "Wir warten auf Ihre Genehmigung. Die Links gelten etwa {minutes} Minuten.",
  "signin.hold.blockedTitle": "Diese Anmeldung wurde blockiert",
  "signin.hold.blockedBody":
    "Jemand hat über den Link in der E-Mail angegeben, dass diese Anmeldung nicht von ihm stammt, daher wurde sie nicht durchgeführt.",
  "signin.hold.blockedReset":
    "Falls Sie es nicht waren, kennt jemand anderes Ihr Passwort: Setzen Sie es jetzt zurück, damit niemand es erneut versuchen kann.",
  "signin.hold.approveTitle": "Diese Anmeldung genehmigen?",
  "signin.hold.blockTitle": "Diese Anmeldung blockieren?",
  "signin.hold.someone": "Jemand hat sich mit Ihrem Passwort bei {app} angemeldet",
  "signin.hold.when": "Wann",
  "signin.hold.from": "Von",
  "signin.hold.approximately": "{location} (ungefähr), {ip}",
  "signin.hold.browser": "Browser",
  "signin.hold.why": "Warum wir fragen",
  "signin.hold.approveBody": "Falls Sie es waren, genehmigen Sie die Anmeldung; sie geht dann in dem wartenden Browser weiter.",
  "signin.hold.approveButton": "Ja, das war ich: genehmigen",
  "signin.hold.blockBody":
    "Falls Sie es nicht waren, blockieren Sie die Anmeldung: Sie wird abgebrochen, und Sie sollten Ihr Passwort zurücksetzen.",
  "signin.hold.blockButton": "Das war ich nicht: blockieren",
  "signin.hold.approvedTitle": "Anmeldung genehmigt",
  "signin.hold.approvedBody": "Der wartende Browser setzt die Anmeldung von selbst fort. Sie können diese Seite schließen.",
  "signin.hold.blockedShort": "Anmeldung blockiert",
  "signin.hold.blockedDone": "Die Anmeldung wurde nicht durchgeführt. Wer es versucht hat, kennt Ihr Passwort: Setzen Sie es jetzt zurück.",
  "signin.hold.invalidExpired": "Dieser Link ist abgelaufen. Es wurde nichts geändert.",
  "signin.hold.invalidUsed": "Dieser Link oder sein Gegenstück wurde schon verwendet. Es wurde nichts geändert.",
  "signin.hold.invalidBody":
    "Links zum Genehmigen und Blockieren funktionieren einmal und nur wenige Minuten. Wenn Sie sich anmelden möchten, beginnen Sie neu: Falls nötig, kommt eine neue E-Mail.",
  "signin.hold.invalidNotYou": "Falls Sie nicht versucht haben, sich anzumelden, setzen Sie Ihr Passwort zurück.",

  "signin.single.title": "Sie sind anderswo angemeldet",
  "signin.single.body": "Ihr Konto darf nur an einem Ort gleichzeitig angemeldet sein. Es ist hier angemeldet:",
  "signin.single.browserOn": "{browser} unter {os}",
  "signin.single.times": "Begonnen {started} · zuletzt aktiv {lastActive}",
  "signin.single.hint": "Wenn Sie die andere Sitzung abmelden, werden auch die Anwendungen abgemeldet, bei denen sie angemeldet hat.",
  "signin.single.continue": "Andere Sitzung abmelden und weiter",
  "signin.single.cancel": "Abbrechen",

  "signin.team.title": "Team auswählen",
  "signin.team.requested": "Die Anwendung hat nach dem Team „{team}“ gefragt, das nicht zu Ihren Teams gehört.",
  "signin.team.chooseOrBack": "Wählen Sie eines Ihrer Teams, um fortzufahren, oder gehen Sie zurück zur Anwendung.",
  "signin.team.yours": "Ihre Teams",
  "signin.team.hint":
    "Die Anwendung erhält Ihre Rolle und Ihre Berechtigungen in diesem Team. Um später ein anderes Team zu verwenden, wählen Sie es in der Anwendung.",
  "signin.team.none": "Sie sind noch in keinem Team Mitglied.",
  "signin.team.withoutTeam": "Ohne Team fortfahren",

  "signin.magic.sent":
    "Falls ein Konto {email} verwendet, haben wir ihm einen Anmeldelink gesendet. Er funktioniert einmal, 10 Minuten lang. Öffnen Sie ihn in diesem Browser, um sich anzumelden.",
  "signin.magic.elsewhere": "Auf einem anderen Gerät geöffnet, zeigt der Link stattdessen einen 6-stelligen Code: Geben Sie ihn hier ein.",
  "signin.magic.codeLabel": "Code aus dem Link",
  "signin.magic.yourAddress": "Ihre Adresse",
  "signin.magic.submit": "Mit dem Code anmelden",
  "signin.magic.codeFormat": "Geben Sie den 6-stelligen Code ein, den der Link angezeigt hat",
  "signin.magic.openTitle": "Mit Ihrem Link anmelden",
  "signin.magic.openBody":
    "Fahren Sie fort, um sich anzumelden. In dem Browser, in dem Sie den Link angefordert haben, meldet Sie das an; anderswo zeigt es einen Code, den Sie dort eingeben.",
  "signin.magic.codePageTitle": "Ihr Anmeldecode",
  "signin.magic.codeTitle": "Geben Sie diesen Code dort ein, wo Sie den Link angefordert haben",
  "signin.magic.codeBody":
    "Dieser Link wurde in einem anderen Browser oder auf einem anderen Gerät geöffnet als dem, das ihn angefordert hat, daher meldet er dieses nicht an. Geben Sie in dem Browser, in dem Sie ihn angefordert haben, ein:",
  "signin.magic.yourCode": "Ihr Code:",
  "signin.magic.codeWorks": "Der Code funktioniert einmal, {minutes} Minuten lang.",
  "signin.magic.codeHint":
    "Falls Sie keinen Anmeldelink angefordert haben, schließen Sie diese Seite und nennen Sie diesen Code niemandem.",
  "signin.magic.invalidTitle": "Dieser Anmeldelink ist nicht mehr gültig",
  "signin.magic.invalidBody":
    "Er wurde schon verwendet, durch einen neueren Link ersetzt oder ist abgelaufen. Gehen Sie zurück zur Anwendung und fordern Sie auf der Anmeldeseite einen neuen Link an.",

  "signin.link.pageTitle": "{provider} verknüpfen",
  "signin.link.title": "{provider} mit Ihrem Konto verknüpfen",
  "signin.link.subtitle":
    "Ein Konto mit {email} gibt es schon. Geben Sie sein Passwort ein, um {provider} damit zu verknüpfen; danach können Sie sich mit beidem anmelden.",
  "signin.link.password": "Passwort von {email}",
  "signin.link.submit": "Verknüpfen und anmelden",
  "signin.link.passkey": "Mit einem Passkey dieses Kontos verknüpfen",
  "signin.link.cancel": "Abbrechen und anders anmelden",
  "signin.saml.title": "Anmeldung mit {provider}",
  "signin.saml.answered": "{provider} hat geantwortet. Fahren Sie fort, um die Anmeldung abzuschließen.",

  "refusal.unverified":
    "Bitte bestätigen Sie Ihre E-Mail-Adresse, bevor Sie sich anmelden. Suchen Sie in Ihrem Postfach nach dem Bestätigungslink, oder fordern Sie einen neuen an.",
  "refusal.busy": "Gerade laufen zu viele Anmeldungen. Bitte versuchen Sie es gleich noch einmal.",
  "refusal.startAgain": "Dieser Anmeldeschritt ist abgelaufen. Beginnen Sie neu und geben Sie Ihr Passwort ein.",
  "refusal.teamRequired": "Wählen Sie eines Ihrer Teams.",
  "refusal.deviceWrongCode.one": "Dieser Code stimmt nicht. Noch {count} Versuch.",
  "refusal.deviceWrongCode.other": "Dieser Code stimmt nicht. Noch {count} Versuche.",
  "refusal.deviceCodeExpired": "Dieser Code ist abgelaufen. Fordern Sie einen neuen Code an.",
  "refusal.deviceAttemptsUsed":
    "Zu viele falsche Codes. Zu Ihrer Sicherheit wurde diese Anmeldung abgebrochen: Beginnen Sie neu und geben Sie Ihr Passwort erneut ein.",
  "refusal.accountLocked":
    "Zu viele falsche Codes für dieses Konto; versuchen Sie es später erneut, oder melden Sie sich von einem Gerät an, das Sie schon verwendet haben.",
  "refusal.deviceCooldown.one": "Bitte warten Sie {count} Sekunde, bevor Sie einen neuen Code anfordern.",
  "refusal.deviceCooldown.other": "Bitte warten Sie {count} Sekunden, bevor Sie einen neuen Code anfordern.",
  "refusal.deviceEmailLimited": "Zu viele E-Mails zur Gerätebestätigung. Bitte versuchen Sie es später erneut.",
  "refusal.deviceCodeFormat": "Geben Sie den 6-stelligen Code aus der E-Mail ein.",
  "refusal.magicLinkInvalid":
    "Dieser Anmeldelink ist nicht mehr gültig: Er wurde verwendet, durch einen neueren ersetzt oder ist abgelaufen. Fordern Sie auf der Anmeldeseite einen neuen an.",
  "refusal.magicCodeInvalid":
    "Dieser Code stimmt nicht oder gilt nicht mehr. Fordern Sie einen neuen Anmeldelink an, wenn es weiter nicht klappt.",
  "refusal.upstreamFailed":
    "Die Anmeldung über diesen Anbieter hat nicht geklappt: Seine Antwort konnte nicht angenommen werden. Beginnen Sie neu, oder melden Sie sich anders an.",
  "refusal.upstreamCancelled":
    "Die Anmeldung über diesen Anbieter wurde dort abgebrochen, daher sind Sie nicht angemeldet. Beginnen Sie neu, oder melden Sie sich anders an.",
  "refusal.upstreamUnavailable":
    "Dieser Anmeldeanbieter hat nicht rechtzeitig geantwortet. Versuchen Sie es gleich noch einmal, oder melden Sie sich anders an.",
  "refusal.upstreamNoEmail":
    "Dieser Anmeldeanbieter hat Ihre E-Mail-Adresse nicht geteilt, daher konnte kein Konto angelegt werden. Erlauben Sie dort das Teilen Ihrer E-Mail-Adresse, oder melden Sie sich anders an.",
  "refusal.upstreamEmailTaken":
    "Ein Konto mit dieser E-Mail-Adresse gibt es schon, und der Anbieter hat die Adresse nicht bestätigt. Melden Sie sich stattdessen mit Ihrem Passwort oder Passkey an.",
  "refusal.ssoRequired": "Ihre Organisation verlangt für diese Adresse Single Sign-on: Verwenden Sie „Weiter mit Single Sign-on“.",
  "refusal.upstreamLinkRequired":
    "Ein Konto mit dieser E-Mail-Adresse gibt es schon. Melden Sie sich zuerst mit Ihrem Passwort oder Passkey an; danach können Sie den Anbieter mit Ihrem Konto verknüpfen.",
};
