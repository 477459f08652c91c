// Deutsch: the pages around signing in (keys and {placeholders} as in en-pages.ts).
import type { enPages } from "./en-pages.ts";

export const dePages: Record<keyof typeof enPages, string> = {
  "layout.language": "Sprache",
  "common.signIn": "Anmelden",
  "common.signOut": "Abmelden",
  "common.home": "Startseite",
  "common.resetPassword": "Passwort zurücksetzen",
  "common.forAccount": "Für das Konto {username}",
  "common.goToAccount": "Zu Ihrem Konto",

  "checkEmail.title": "Sehen Sie in Ihr Postfach",
  "checkEmail.body":
    "Falls {email} eine E-Mail zu einem {product}-Konto empfangen kann, haben wir eine gesendet. Öffnen Sie den Link darin, um die Adresse zu bestätigen, und melden Sie sich dann an.",
  "checkEmail.nothing": "Nach einigen Minuten nichts angekommen? Sehen Sie im Spam-Ordner nach, oder",
  "checkEmail.askAgain": "fordern Sie einen neuen Link an",
  "verified.title": "E-Mail-Adresse bestätigt",
  "verified.continueTo": "Ihre E-Mail-Adresse ist bestätigt. Melden Sie sich an, um mit {app} fortzufahren.",
  "verified.continueButton": "Weiter zu {app}",
  "verified.body":
    "Ihre E-Mail-Adresse ist bestätigt. Gehen Sie zurück zu der Anwendung, von der Sie kamen, und melden Sie sich an, oder melden Sie sich hier bei Ihrem Konto an.",
  "verifyConfirm.title": "E-Mail-Adresse bestätigen",
  "verifyConfirm.submit": "Meine E-Mail-Adresse bestätigen",
  "verifyResend.title": "E-Mail-Adresse bestätigen",
  "verifyResend.subtitle": "Wir senden einen neuen Bestätigungslink an Ihre Adresse.",
  "verifyResend.submit": "Bestätigungs-E-Mail erneut senden",
  "verifyResend.haveIt": "Haben Sie die E-Mail schon? Öffnen Sie den Link darin. Einen neuen können Sie auch später anfordern unter",
  "verifyResend.backToSignIn": "Bestätigt? Zurück zur Anmeldung",
  "verifyResend.linkInvalid": "Dieser Link ist abgelaufen oder wurde schon verwendet. Fordern Sie unten einen neuen an.",

  "unlock.title": "Konto entsperren",
  "unlock.lockedUntil":
    "Nach zu vielen falschen Passwörtern ist die Anmeldung bei diesem Konto aus unbekannten Browsern gesperrt bis {until}.",
  "unlock.advice":
    "Waren das Ihre Versuche, entsperren Sie das Konto und melden Sie sich erneut an. Wenn nicht, kennt oder errät jemand Ihr Passwort: Entsperren Sie das Konto und ändern Sie Ihr Passwort, oder setzen Sie es zurück.",
  "unlock.submit": "Mein Konto entsperren",
  "unlock.resetInstead": "Stattdessen das Passwort zurücksetzen",
  "unlock.notLocked": "Dieses Konto ist nicht mehr gesperrt: Die Sperre ist abgelaufen. Sie können sich anmelden.",
  "unlockDone.title": "Ihr Konto ist entsperrt",
  "unlockDone.canSignIn": "Das Konto {username} kann sich wieder anmelden.",
  "unlockDone.canSignInNotLocked": "Das Konto {username} kann sich wieder anmelden (es war nicht mehr gesperrt).",
  "unlockDone.advice":
    "Wenn die falschen Passwörter nicht von Ihnen kamen, wählen Sie jetzt ein neues Passwort: Das Zurücksetzen meldet auch alle anderen Sitzungen ab.",
  "linkInvalid.title": "Dieser Link ist nicht mehr gültig",
  "linkInvalid.nothingChanged": "Es wurde nichts geändert.",
  "unlockInvalid.expired": "Dieser Entsperrlink ist abgelaufen.",
  "unlockInvalid.used": "Dieser Entsperrlink wurde schon verwendet oder stammt nicht von uns.",
  "unlockInvalid.body":
    "Entsperrlinks funktionieren einmal und für begrenzte Zeit. Eine Sperre endet auch von selbst zu der in der E-Mail genannten Zeit, und ein Zurücksetzen des Passworts beendet sie sofort.",
  "restore.title": "Konto wiederherstellen",
  "restore.body":
    "Dieses Konto ist deaktiviert und wird gelöscht am {until}. Stellen Sie es wieder her, um es zu behalten: Sie können sich dann wie bisher anmelden.",
  "restore.submit": "Mein Konto wiederherstellen",
  "restoreDone.title": "Ihr Konto ist wiederhergestellt",
  "restoreDone.body":
    "Die Löschung ist abgebrochen. Melden Sie sich wie bisher an. Wenn Sie die Löschung nicht selbst beantragt haben, setzen Sie jetzt Ihr Passwort zurück.",
  "restoreInvalid.expired": "Dieser Wiederherstellungslink ist abgelaufen: Die Frist des Kontos ist vorbei.",
  "restoreInvalid.used": "Dieser Wiederherstellungslink wurde schon verwendet oder stammt nicht von uns.",
  "deleted.title": "Konto gelöscht",
  "deleted.scheduledTitle": "Kontolöschung geplant",
  "deleted.heading": "Ihr Konto wurde gelöscht",
  "deleted.scheduledHeading": "Ihr Konto wird gelöscht",
  "deleted.scheduledBody": "Ihr Konto ist deaktiviert und alle Sitzungen sind beendet. Es wird endgültig gelöscht am {until}.",
  "deleted.changedMind":
    "Umentschieden? Die E-Mail, die wir Ihnen gerade gesendet haben, enthält einen Link, der es bis dahin wiederherstellt.",
  "deleted.body":
    "Ihr Konto und die dazugehörigen Daten sind gelöscht, und alle Sitzungen sind beendet. Wir haben eine Bestätigung an Ihre E-Mail-Adresse gesendet.",
  "deleted.registerAgain": "Sie können sich jederzeit mit derselben Adresse neu registrieren.",

  "loggedOut.title": "Abgemeldet",
  "loggedOut.heading": "Sie sind abgemeldet",
  "loggedOut.bodyClient": "Sie wurden von {client} und {product} abgemeldet.",
  "loggedOut.body": "Sie wurden von {product} abgemeldet.",
  "loggedOut.signInAgain": "Erneut anmelden",
  "loggedOut.close": "Oder schließen Sie dieses Fenster.",
  "logout.title": "Abmelden",
  "logout.heading": "Von {product} abmelden?",
  "logout.client": "Sie melden sich von {client} ab.",
  "logout.yes": "Ja, abmelden",
  "logout.no": "Nein, angemeldet bleiben",

  "home.subtitle": "Ein Identitätsanbieter für OAuth 2.0 und OpenID Connect.",
  "home.body":
    "Anwendungen schicken Sie zur Anmeldung hierher. {product} prüft, wer Sie sind, und teilt der Anwendung mit Ihrer Erlaubnis mit, welche Teams und Rollen Sie haben.",
  "home.signedIn": "Sie sind angemeldet.",
  "home.signIn": "Bei Ihrem Konto anmelden",
  "home.admin": "Verwaltungskonsole",
  "home.adminNote": "(Administratoren)",
  "home.issuer": "Aussteller",
  "home.discovery": "Discovery",
  "home.discoveryLink": "OpenID-Discovery-Dokument",

  "invitation.title": "Einladung",
  "invitation.join": "{team} beitreten",
  "invitation.adminTitle": "Einladung als Administrator",
  "invitation.teamBy": "{inviter} hat Sie in das Team {team} als {role} eingeladen.",
  "invitation.team": "Sie sind in das Team {team} als {role} eingeladen.",
  "invitation.adminBy": "{inviter} hat Sie eingeladen, {product} als {role} mitzuverwalten.",
  "invitation.admin": "Sie sind eingeladen, {product} als {role} mitzuverwalten.",
  "invitation.signedInAs": "Sie sind als {username} angemeldet, mit der eingeladenen Adresse.",
  "invitation.accept": "Einladung annehmen",
  "invitation.wrongAccount":
    "Diese Einladung gilt für {email}, und Sie sind als {username} mit einer anderen Adresse angemeldet. Die eingeladene Adresse muss passen: Melden Sie sich ab und dann mit {email} an (oder registrieren Sie sich damit).",
  "invitation.alreadyMember": "Sie sind bereits Mitglied von {team}. Es ändert sich nichts.",
  "invitation.open": "{team} öffnen",
  "invitation.openTeam": "Team öffnen",
  "invitation.alreadyAdmin": "Ihr Konto hat bereits eine Administratorrolle. Es ändert sich nichts.",
  "invitation.signInOrRegister":
    "Diese Einladung gilt für {email}. Melden Sie sich mit dieser Adresse an, um sie anzunehmen, oder erstellen Sie damit ein Konto.",
  "invitation.signInWith": "Diese Einladung gilt für {email}. Melden Sie sich mit dieser Adresse an, um sie anzunehmen.",
  "invitation.signInToAccept": "Zum Annehmen anmelden",
  "invitation.createAccount": "Konto erstellen",
  "invitation.welcome": "Willkommen bei {team}",
  "invitation.adminNow": "Sie sind jetzt Administrator",
  "invitation.notAccepted": "Einladung nicht angenommen",
  "invitation.joined": "Sie sind {team} als {role} beigetreten.",
  "invitation.adminRole": "Ihr Konto hat jetzt die Systemrolle {role}.",

  "registration.joined": "Sie sind {team} als {role} beigetreten.",
  "registration.member": "Sie sind Mitglied von {team}.",
  "registration.admin": "Sie sind jetzt Administrator dieser {product}-Instanz ({role}).",
  "registration.invitationFailed":
    "Ihre Adresse ist bestätigt, aber die Einladung konnte nicht angenommen werden: Sie wurde zurückgezogen, ist abgelaufen oder wurde schon verwendet. Bitten Sie die Person, die Sie eingeladen hat, um eine neue.",
  "registration.invitationInvalid":
    "Dieser Einladungslink ist ungültig. Sie können unten trotzdem ein Konto mit einem eigenen Team erstellen.",
  "registration.invitationUsed":
    "Diese Einladung wurde schon angenommen. Sie können unten trotzdem ein Konto mit einem eigenen Team erstellen.",
  "registration.invitationRevoked":
    "Diese Einladung wurde zurückgezogen. Sie können unten trotzdem ein Konto mit einem eigenen Team erstellen.",
  "registration.invitationExpired": "Diese Einladung ist abgelaufen. Sie können unten trotzdem ein Konto mit einem eigenen Team erstellen.",
  "form.email": "Geben Sie eine gültige E-Mail-Adresse ein",
  "form.usernameTooLong": "Dieser Benutzername ist zu lang",
  "form.choosePassword": "Wählen Sie ein Passwort",
  "form.passwordTooLong": "Passwörter dürfen höchstens 1024 Zeichen lang sein",
  "form.teamNameTooLong": "Dieser Teamname ist zu lang",
  "form.teamSlugTooLong": "Diese Teamadresse ist zu lang",
  "form.usernamePattern": "Benutzernamen haben 3 bis 32 Buchstaben, Ziffern, Punkte, Bindestriche oder Unterstriche.",
  "form.usernameTaken": "Dieser Benutzername ist vergeben. Bitte wählen Sie einen anderen.",
  "form.teamNameEmpty": "Geben Sie einen Namen für Ihr Team ein.",
  "form.teamSlugTaken": "Diese Teamadresse ist vergeben. Bitte wählen Sie eine andere.",
  "form.identifier": "Geben Sie Ihre E-Mail-Adresse oder Ihren Benutzernamen ein",
  "form.identifierTooLong": "Diese E-Mail-Adresse oder dieser Benutzername ist zu lang",
  "form.chooseNewPassword": "Wählen Sie ein neues Passwort",
  "form.codeTooLong": "Dieser Code ist zu lang",
  "form.invalidCode":
    "Dieser Code ist ungültig. Geben Sie den aktuellen Code aus Ihrer Authenticator-App oder einen unbenutzten Backup-Code ein.",
  "form.missingCode": "Geben Sie den Code aus Ihrer Authenticator-App oder einen Backup-Code ein.",
  // the password policy's refusals (services/password-policy.ts MESSAGES; test/unit/i18n-format.test.ts keeps them equal)
  "policy.tooLong": "Passwörter dürfen höchstens 1024 Zeichen lang sein.",
  "policy.commonPassword":
    "Dieses Passwort ist zu gängig: Es steht auf den Listen, die Angreifer zuerst ausprobieren, auch mit Großbuchstaben, ähnlich aussehenden Zeichen, Ziffern oder Symbolen. Einige zusammenhanglose Wörter ergeben ein starkes Passwort.",
  "policy.commonWord":
    "Dieses Passwort ist zu gängig: Ein Wort mit Ziffern oder Symbolen drumherum gehört zum Ersten, was Angreifer ausprobieren. Einige zusammenhanglose Wörter ergeben ein starkes Passwort.",
  "policy.personal": "Bilden Sie Ihr Passwort nicht aus Ihrem Namen, Benutzernamen oder Ihrer E-Mail-Adresse.",
  "policy.weak": "Dieses Passwort ist zu leicht zu erraten. Fügen Sie ein oder zwei weitere Wörter hinzu.",
  "policy.breached": "Dieses Passwort ist in einem Datenleck aufgetaucht, daher probieren Angreifer es zuerst. Wählen Sie ein anderes.",
  "notice.password_reset": "Ihr Passwort wurde geändert und alle Sitzungen wurden abgemeldet. Melden Sie sich mit Ihrem neuen Passwort an.",
  "notice.email_changed": "Ihre E-Mail-Adresse wurde geändert.",
  "notice.email_verified": "Ihre E-Mail-Adresse ist bestätigt. Melden Sie sich an, um fortzufahren.",
};
