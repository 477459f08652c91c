// Deutsch: the emails and their subjects (keys and {placeholders} as in en-mail.ts).
import type { enMail } from "./en-mail.ts";

export const deMail: Record<keyof typeof enMail, string> = {
  "mail.subject.verify-email": "Bestätigen Sie Ihre E-Mail-Adresse für Gatehouse",
  "mail.subject.registration-attempt": "Jemand wollte sich mit Ihrer E-Mail-Adresse registrieren",
  "mail.subject.lockout": "Ihr Gatehouse-Konto wurde nach fehlgeschlagenen Anmeldungen gesperrt",
  "mail.subject.password-reset": "Gatehouse-Passwort zurücksetzen",
  "mail.subject.password-changed": "Ihr Gatehouse-Passwort wurde geändert",
  "mail.subject.two-factor-changed": "Die Zwei-Faktor-Authentifizierung Ihres Gatehouse-Kontos wurde geändert",
  "mail.subject.confirm-email-change": "Bestätigen Sie Ihre neue E-Mail-Adresse für Gatehouse",
  "mail.subject.email-changed": "Die E-Mail-Adresse Ihres Gatehouse-Kontos wurde geändert",
  "mail.subject.team-invitation": "Sie wurden zu Gatehouse eingeladen",
  "mail.subject.ownership-transfer": "Sie werden gebeten, ein Team bei Gatehouse zu übernehmen",
  "mail.subject.ownership-transfer-admin": "Ein Administrator hat die Inhaberschaft Ihres Teams bei Gatehouse bearbeitet",
  "mail.subject.device-code": "Ihr Gatehouse-Anmeldecode",
  "mail.subject.suspicious-login": "Haben Sie sich bei Gatehouse angemeldet?",
  "mail.subject.account-deleted": "Ihr Gatehouse-Konto wurde gelöscht",
  "mail.subject.account-deletion-scheduled": "Ihr Gatehouse-Konto wird gelöscht",
  "mail.subject.passkey-changed": "Die Passkeys Ihres Gatehouse-Kontos haben sich geändert",
  "mail.subject.magic-link": "Ihr Gatehouse-Anmeldelink",

  "mail.hello": "Hallo {username},",
  "mail.helloAnyone": "Hallo,",
  "mail.geo": "Ungefähre Orte:",
  "mail.notYouReset": "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort über „Passwort vergessen?“ auf der Anmeldeseite zurück.",

  "mail.verify.body": "Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist, um die Erstellung Ihres {product}-Kontos abzuschließen:",
  "mail.verify.button": "Meine E-Mail-Adresse bestätigen",
  "mail.verify.validity":
    "Der Link funktioniert einmal und für {hours} Stunden. Wenn Sie kein Konto erstellt haben, ignorieren Sie diese E-Mail.",

  "mail.attempt.body":
    "Jemand (von {ip}) wollte mit dieser E-Mail-Adresse ein neues {product}-Konto erstellen, obwohl sie bereits ein Konto hat. Es wurde nichts geändert.",
  "mail.attempt.advice":
    "Wenn Sie das waren, melden Sie sich stattdessen mit Ihrem bestehenden Konto an. Wenn Sie Ihr Passwort vergessen haben, verwenden Sie „Passwort vergessen?“ auf der Anmeldeseite.",

  "mail.reset.body":
    "Jemand hat angefordert, das Passwort Ihres {product}-Kontos zurückzusetzen. Um ein neues Passwort zu wählen, öffnen Sie diesen Link:",
  "mail.reset.button": "Neues Passwort wählen",
  "mail.reset.validity": "Der Link funktioniert einmal und für {minutes} Minuten. Eine neuere Anfrage ersetzt ihn.",
  "mail.requestFrom": "Die Anfrage kam von {ip} ({location}, ungefähr) mit {browser}, am {time}.",
  "mail.reset.ignore": "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.",

  "mail.passwordChanged.changed":
    "Das Passwort Ihres {product}-Kontos wurde am {time} geändert, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passwordChanged.reset":
    "Das Passwort Ihres {product}-Kontos wurde am {time} zurückgesetzt, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passwordChanged.sessionsReset": "Alle Anmeldesitzungen Ihres Kontos wurden beendet, und Anwendungen müssen Sie erneut anmelden.",
  "mail.passwordChanged.sessionsChanged":
    "Alle anderen Anmeldesitzungen Ihres Kontos wurden beendet, und Anwendungen müssen Sie erneut anmelden.",
  "mail.passwordChanged.notYou":
    "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort über „Passwort vergessen?“ auf der Anmeldeseite zurück und prüfen Sie Ihre Zwei-Faktor-Einstellungen.",

  "mail.twoFactor.enabled":
    "Die Zwei-Faktor-Authentifizierung wurde für Ihr {product}-Konto am {time} eingeschaltet, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.twoFactor.disabled":
    "Die Zwei-Faktor-Authentifizierung wurde für Ihr {product}-Konto am {time} ausgeschaltet, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.twoFactor.backup_codes_regenerated":
    "Für Ihr {product}-Konto wurden am {time} neue Backup-Codes erzeugt (die alten funktionieren nicht mehr), von {ip} ({location}, ungefähr) mit {browser}.",

  "mail.passkey.added":
    "Ein Passkey namens „{name}“ wurde Ihrem {product}-Konto am {time} hinzugefügt, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passkey.removed":
    "Der Passkey namens „{name}“ wurde am {time} aus Ihrem {product}-Konto entfernt, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passkey.removedByAdmin":
    "Der Passkey namens „{name}“ wurde am {time} von einem Administrator aus Ihrem {product}-Konto entfernt, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passkey.cloned":
    "Eine Anmeldung mit Ihrem Passkey namens „{name}“ wurde abgelehnt, weil sein Zähler rückwärts lief, was bedeuten kann, dass der Schlüssel kopiert wurde. Versucht wurde es bei Ihrem {product}-Konto am {time}, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passkey.password_removed":
    "Das Passwort wurde am {time} aus Ihrem {product}-Konto entfernt, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.passkey.clonedAdvice":
    "Wenn Sie diesen Schlüssel nicht kopiert haben, entfernen Sie ihn auf der Passkey-Seite Ihres Kontos und ändern Sie Ihr Passwort.",
  "mail.passkey.notYou":
    "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort über „Passwort vergessen?“ auf der Anmeldeseite zurück und entfernen Sie Passkeys, die Sie nicht kennen.",

  "mail.confirmChange.body": "Sie möchten diese Adresse für Ihr {product}-Konto verwenden. Bestätigen Sie sie mit diesem Link:",
  "mail.confirmChange.button": "Meine neue E-Mail-Adresse bestätigen",
  "mail.confirmChange.validity":
    "Der Link funktioniert einmal und für {hours} Stunden. Bis dahin behält Ihr Konto seine bisherige Adresse. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.",
  "mail.emailChanged.body":
    "Die E-Mail-Adresse Ihres {product}-Kontos wurde am {time} in {email} geändert, von {ip} ({location}, ungefähr) mit {browser}. Diese Adresse erhält seine E-Mails nicht mehr.",
  "mail.emailChanged.notYou": "Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren Administrator.",

  "mail.invitation.admin": "{inviter} hat Sie eingeladen, {product} als {role} mitzuverwalten.",
  "mail.invitation.team": "{inviter} hat Sie eingeladen, dem Team {team} bei {product} als {role} beizutreten.",
  "mail.invitation.button": "Einladung ansehen",
  "mail.invitation.validity":
    "Der Link funktioniert einmal und für {validFor}. Melden Sie sich mit dieser E-Mail-Adresse an oder erstellen Sie damit ein Konto, um sie anzunehmen. Wenn Sie das nicht erwartet haben, ignorieren Sie diese E-Mail: Ohne Sie geschieht nichts.",

  "mail.transfer.body": "{owner}, Inhaber des Teams {team} bei {product}, bittet Sie, Inhaber des Teams zu werden.",
  "mail.transfer.accept":
    "Wenn Sie annehmen, erhalten Sie alle Berechtigungen im Team, einschließlich Abrechnung und Weitergabe, und {owner} wird Manager.",
  "mail.transfer.button": "Übertragung ansehen",
  "mail.transfer.validity":
    "Der Link funktioniert einmal und für {validFor}, und nur, solange Sie als Sie selbst angemeldet sind. Wenn Sie das Team nicht möchten, ignorieren Sie diese E-Mail: Es ändert sich nichts.",
  "mail.transferAdmin.cancelled":
    "{admin}, Administrator von {product}, hat die Übertragung Ihres Teams {team} an {member} abgebrochen. Der Link, den wir gesendet haben, funktioniert nicht mehr, und Sie bleiben Inhaber.",
  "mail.transferAdmin.started": "{admin}, Administrator von {product}, hat {member} gebeten, Ihr Team {team} zu übernehmen.",
  "mail.transferAdmin.until":
    "Es ändert sich nichts, bis {member} über die gesendete E-Mail annimmt. Dann wird diese Person Inhaber und Sie werden Manager.",
  "mail.transferAdmin.unexpected": "Wenn Sie das nicht erwartet haben, wenden Sie sich an Ihre Administratoren.",

  "mail.deviceCode.body":
    "Jemand mit Ihrem Passwort meldet sich bei Ihrem {product}-Konto von einem Gerät an, das wir noch nicht kennen. Um zu bestätigen, dass Sie es sind, geben Sie diesen Code auf der Anmeldeseite ein:",
  "mail.deviceCode.validity": "Der Code funktioniert {validFor} lang. Ein neu angeforderter Code ersetzt diesen.",
  "mail.signInFrom": "Die Anmeldung kam von {ip} ({location}, ungefähr) mit {browser}, am {time}.",
  "mail.deviceCode.notYou":
    "Wenn Sie das nicht waren, geben Sie den Code niemandem weiter: Jemand kennt Ihr Passwort. Ändern Sie es so bald wie möglich über „Passwort vergessen?“ auf der Anmeldeseite.",

  "mail.magic.body":
    "Jemand hat einen Link zur Anmeldung bei Ihrem {product}-Konto angefordert. Um sich anzumelden, öffnen Sie diesen Link im selben Browser, in dem Sie ihn angefordert haben:",
  "mail.magic.button": "Bei {product} anmelden",
  "mail.magic.validity":
    "Der Link funktioniert einmal und für {validFor}. Eine neuere Anfrage ersetzt ihn. In einem anderen Browser oder Gerät geöffnet, zeigt er einen Code, den Sie im anfragenden Browser eingeben.",
  "mail.magic.ignore":
    "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail und nennen Sie niemandem einen Code, den der Link zeigt.",

  "mail.suspicious.body":
    "Jemand hat sich mit Ihrem Passwort bei Ihrem {product}-Konto angemeldet, und wir haben die Anmeldung angehalten, weil sie ungewöhnlich aussieht:",
  "mail.suspicious.approve": "Wenn Sie das waren, geben Sie sie frei, und die Anmeldung geht im wartenden Browser weiter:",
  "mail.suspicious.approveButton": "Ja, das war ich",
  "mail.suspicious.deny": "Wenn Sie das nicht waren, blockieren Sie sie und setzen Sie dann Ihr Passwort zurück:",
  "mail.suspicious.denyButton": "Nein, diese Anmeldung blockieren",
  "mail.suspicious.validity":
    "Jeder Link öffnet eine Seite mit einer Schaltfläche; die Links funktionieren einmal, für {validFor}. Die Verwendung des einen beendet den anderen.",

  "mail.deleted.admin": "Ein Administrator hat Ihr {product}-Konto am {time} gelöscht.",
  "mail.deleted.grace":
    "Die Wartezeit nach Ihrem Antrag auf Löschung Ihres {product}-Kontos ist abgelaufen, und das Konto wurde am {time} gelöscht.",
  "mail.deleted.self": "Ihr {product}-Konto wurde am {time} auf Ihren Wunsch gelöscht, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.deleted.gone":
    "Alle Anmeldesitzungen wurden beendet, Anwendungen abgemeldet, und Ihr Profil, Ihre Sitzungen, Geräte, zweiten Faktoren und Teammitgliedschaften sind gelöscht. Das Sicherheitsprotokoll behält das Geschehene unter einem Pseudonym, ohne Ihren Namen, Ihre Adresse oder IP-Adressen.",
  "mail.deleted.last":
    "Dies ist die letzte E-Mail, die wir zu diesem Konto an diese Adresse senden. Sie können sich jederzeit erneut damit registrieren.",
  "mail.deletionScheduled.body":
    "Sie haben am {time} die Löschung Ihres {product}-Kontos beantragt, von {ip} ({location}, ungefähr) mit {browser}.",
  "mail.deletionScheduled.disabled":
    "Das Konto ist jetzt deaktiviert: Alle Sitzungen wurden beendet und Anwendungen abgemeldet. Es wird endgültig gelöscht am {until}.",
  "mail.deletionScheduled.restore":
    "Umentschieden, oder waren Sie das nicht? Bis dahin stellt dieser Link das Konto wieder her (er funktioniert einmal):",
  "mail.deletionScheduled.notYou": "Wenn Sie das nicht waren, setzen Sie nach der Wiederherstellung Ihr Passwort zurück.",

  "mail.lockout.deviceCode":
    "Jemand hat sich bei Ihrem {product}-Konto mit dem richtigen Passwort in einem von Ihnen freigegebenen Browser angemeldet ({device}, vertraut seit {trustedOn}), dann aber {attempts}-mal einen falschen Zwei-Faktor-Code eingegeben; daher ist die Anmeldung aus diesem Browser gesperrt bis {until}.",
  "mail.lockout.devicePassword":
    "Jemand hat {attempts}-mal ein falsches Passwort für Ihr {product}-Konto in einem von Ihnen freigegebenen Browser eingegeben ({device}, vertraut seit {trustedOn}); daher ist die Anmeldung aus diesem Browser gesperrt bis {until}.",
  "mail.lockout.lastAttempt": "Der letzte Versuch kam von {ip}.",
  "mail.lockout.lastAttemptUsing": "Der letzte Versuch kam von {ip} mit {userAgent}.",
  "mail.lockout.notLocked": "Ihr Konto ist nicht gesperrt: Ihre anderen Browser melden sich wie gewohnt an.",
  "mail.lockout.deviceNotYou":
    "Wenn Sie das nicht waren, versucht jemand an diesem Browser (ein gemeinsam genutzter oder öffentlicher Computer?), sich als Sie anzumelden.",
  "mail.lockout.knowPassword":
    "Diese Person kennt Ihr Passwort: Setzen Sie es jetzt über „Passwort vergessen?“ auf der Anmeldeseite zurück.",
  "mail.lockout.changePassword": "Ändern Sie Ihr Passwort.",
  "mail.lockout.removeDevice":
    "Entfernen Sie dann diesen Browser unter „Geräte“ auf Ihrer Kontoseite, damit er sich nicht mehr ohne Code anmeldet.",
  "mail.lockout.accountCode":
    "Jemand hat sich bei Ihrem {product}-Konto mit dem richtigen Passwort angemeldet, dann aber {attempts}-mal einen falschen Zwei-Faktor-Code eingegeben; daher ist das Konto gesperrt bis {until}.",
  "mail.lockout.accountPassword":
    "Jemand hat {attempts}-mal versucht, sich mit einem falschen Passwort bei Ihrem {product}-Konto anzumelden; daher ist das Konto gesperrt bis {until}.",
  "mail.lockout.codeNotYou":
    "Wenn Sie das nicht waren, kennt jemand Ihr Passwort: Setzen Sie es jetzt über „Passwort vergessen?“ auf der Anmeldeseite zurück.",
  "mail.lockout.wait":
    "Wenn Sie das waren, warten Sie bis dahin und versuchen Sie es erneut. Wenn nicht, kennt möglicherweise jemand anderes Ihr Passwort: Ändern Sie es, sobald Sie sich anmelden können.",
  "mail.lockout.waitOrUnlock":
    "Wenn Sie das waren, warten Sie bis dahin und versuchen Sie es erneut, oder entsperren Sie Ihr Konto jetzt. Wenn nicht, kennt möglicherweise jemand anderes Ihr Passwort: Ändern Sie es, sobald Sie sich anmelden können.",
  "mail.lockout.unlockButton": "Mein Konto entsperren",
  "mail.lockout.unlockValidity": "Der Link funktioniert einmal und für {validFor}.",
  "mail.lockout.unlockText": "Um Ihr Konto zu entsperren, öffnen Sie diesen Link (er funktioniert einmal und für {validFor}):",
  "mail.lockout.approvedKeepWorking":
    "Browser, die Sie für dieses Konto bereits freigegeben haben (mit einem per E-Mail gesendeten Anmeldecode oder Ihrer Authenticator-App), funktionieren weiter, solange es gesperrt ist.",
};
