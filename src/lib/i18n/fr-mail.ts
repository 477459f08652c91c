// Français : the emails and their subjects (keys and {placeholders} as in en-mail.ts).
import type { enMail } from "./en-mail.ts";

export const frMail: Record<keyof typeof enMail, string> = {
  "mail.subject.verify-email": "Confirmez votre adresse e-mail pour Gatehouse",
  "mail.subject.registration-attempt": "Quelqu’un a tenté de s’inscrire avec votre adresse e-mail",
  "mail.subject.lockout": "Votre compte Gatehouse a été verrouillé après des connexions échouées",
  "mail.subject.password-reset": "Réinitialisez votre mot de passe Gatehouse",
  "mail.subject.password-changed": "Votre mot de passe Gatehouse a été changé",
  "mail.subject.two-factor-changed": "L’authentification à deux facteurs de votre compte Gatehouse a changé",
  "mail.subject.confirm-email-change": "Confirmez votre nouvelle adresse e-mail pour Gatehouse",
  "mail.subject.email-changed": "L’adresse e-mail de votre compte Gatehouse a été changée",
  "mail.subject.team-invitation": "Vous avez été invité sur Gatehouse",
  "mail.subject.ownership-transfer": "On vous demande de reprendre une équipe sur Gatehouse",
  "mail.subject.ownership-transfer-admin": "Un administrateur est intervenu sur la propriété de votre équipe sur Gatehouse",
  "mail.subject.device-code": "Votre code de connexion Gatehouse",
  "mail.subject.suspicious-login": "Est-ce bien vous qui vous connectez à Gatehouse ?",
  "mail.subject.account-deleted": "Votre compte Gatehouse a été supprimé",
  "mail.subject.account-deletion-scheduled": "Votre compte Gatehouse va être supprimé",
  "mail.subject.passkey-changed": "Les clés d’accès de votre compte Gatehouse ont changé",
  "mail.subject.magic-link": "Votre lien de connexion Gatehouse",

  "mail.hello": "Bonjour {username},",
  "mail.helloAnyone": "Bonjour,",
  "mail.geo": "Lieux approximatifs :",
  "mail.notYouReset":
    "Si ce n’était pas vous, réinitialisez immédiatement votre mot de passe avec « Mot de passe oublié ? » sur la page de connexion.",

  "mail.verify.body": "Veuillez confirmer qu’il s’agit bien de votre adresse e-mail pour terminer la création de votre compte {product} :",
  "mail.verify.button": "Confirmer mon adresse e-mail",
  "mail.verify.validity": "Le lien fonctionne une fois et pendant {hours} heures. Si vous n’avez pas créé de compte, ignorez cet e-mail.",

  "mail.attempt.body":
    "Quelqu’un (depuis {ip}) a tenté de créer un nouveau compte {product} avec cette adresse e-mail, qui a déjà un compte. Rien n’a été modifié.",
  "mail.attempt.advice":
    "Si c’était vous, connectez-vous plutôt avec votre compte existant. Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié ? » sur la page de connexion.",

  "mail.reset.body":
    "Quelqu’un a demandé à réinitialiser le mot de passe de votre compte {product}. Pour choisir un nouveau mot de passe, ouvrez ce lien :",
  "mail.reset.button": "Choisir un nouveau mot de passe",
  "mail.reset.validity": "Le lien fonctionne une fois et pendant {minutes} minutes. Une demande plus récente le remplace.",
  "mail.requestFrom": "La demande venait de {ip} ({location}, approximativement) avec {browser}, le {time}.",
  "mail.reset.ignore": "Si vous n’avez rien demandé, ignorez cet e-mail : votre mot de passe reste inchangé.",

  "mail.passwordChanged.changed":
    "Le mot de passe de votre compte {product} a été changé le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passwordChanged.reset":
    "Le mot de passe de votre compte {product} a été réinitialisé le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passwordChanged.sessionsReset":
    "Toutes les sessions de votre compte ont été fermées, et les applications doivent vous reconnecter.",
  "mail.passwordChanged.sessionsChanged":
    "Toutes les autres sessions de votre compte ont été fermées, et les applications doivent vous reconnecter.",
  "mail.passwordChanged.notYou":
    "Si ce n’était pas vous, réinitialisez immédiatement votre mot de passe avec « Mot de passe oublié ? » sur la page de connexion, et vérifiez vos réglages à deux facteurs.",

  "mail.twoFactor.enabled":
    "L’authentification à deux facteurs a été activée sur votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.twoFactor.disabled":
    "L’authentification à deux facteurs a été désactivée sur votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.twoFactor.backup_codes_regenerated":
    "De nouveaux codes de secours ont été créés (les anciens ne fonctionnent plus) pour votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",

  "mail.passkey.added":
    "Une clé d’accès nommée « {name} » a été ajoutée à votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passkey.removed":
    "La clé d’accès nommée « {name} » a été supprimée de votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passkey.removedByAdmin":
    "La clé d’accès nommée « {name} » a été supprimée de votre compte {product} par un administrateur le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passkey.cloned":
    "Une connexion avec votre clé d’accès nommée « {name} » a été refusée car son compteur a reculé, ce qui peut signifier que la clé a été copiée. La tentative visait votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passkey.password_removed":
    "Le mot de passe a été supprimé de votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.passkey.clonedAdvice":
    "Si vous n’avez pas copié cette clé, supprimez-la sur la page Clés d’accès de votre compte et changez votre mot de passe.",
  "mail.passkey.notYou":
    "Si ce n’était pas vous, réinitialisez immédiatement votre mot de passe avec « Mot de passe oublié ? » sur la page de connexion et supprimez les clés d’accès que vous ne connaissez pas.",

  "mail.confirmChange.body": "Vous avez demandé à utiliser cette adresse pour votre compte {product}. Confirmez-la avec ce lien :",
  "mail.confirmChange.button": "Confirmer ma nouvelle adresse e-mail",
  "mail.confirmChange.validity":
    "Le lien fonctionne une fois et pendant {hours} heures. D’ici là, votre compte garde son adresse actuelle. Si vous n’avez rien demandé, ignorez cet e-mail.",
  "mail.emailChanged.body":
    "L’adresse e-mail de votre compte {product} a été changée en {email} le {time}, depuis {ip} ({location}, approximativement) avec {browser}. Cette adresse ne reçoit plus ses e-mails.",
  "mail.emailChanged.notYou": "Si ce n’était pas vous, contactez immédiatement votre administrateur.",

  "mail.invitation.admin": "{inviter} vous a invité à administrer {product} en tant que {role}.",
  "mail.invitation.team": "{inviter} vous a invité à rejoindre l’équipe {team} sur {product} en tant que {role}.",
  "mail.invitation.button": "Voir l’invitation",
  "mail.invitation.validity":
    "Le lien fonctionne une fois et pendant {validFor}. Connectez-vous ou créez un compte avec cette adresse e-mail pour l’accepter. Si vous ne vous y attendiez pas, ignorez cet e-mail : rien ne se passe sans vous.",

  "mail.transfer.body": "{owner}, propriétaire de l’équipe {team} sur {product}, vous demande d’en devenir le propriétaire.",
  "mail.transfer.accept":
    "Si vous acceptez, vous obtenez toutes les permissions de l’équipe, y compris la facturation et sa transmission, et {owner} devient gestionnaire.",
  "mail.transfer.button": "Examiner le transfert",
  "mail.transfer.validity":
    "Le lien fonctionne une fois et pendant {validFor}, et seulement si vous êtes connecté avec votre propre compte. Si vous ne voulez pas de l’équipe, ignorez cet e-mail : rien ne change.",
  "mail.transferAdmin.cancelled":
    "{admin}, administrateur de {product}, a annulé le transfert de votre équipe {team} à {member}. Le lien que nous lui avons envoyé ne fonctionne plus, et vous restez propriétaire.",
  "mail.transferAdmin.started": "{admin}, administrateur de {product}, a demandé à {member} de reprendre votre équipe {team}.",
  "mail.transferAdmin.until":
    "Rien ne change tant que {member} n’a pas accepté depuis l’e-mail que nous lui avons envoyé. Cette personne devient alors propriétaire et vous devenez gestionnaire.",
  "mail.transferAdmin.unexpected": "Si vous ne vous y attendiez pas, contactez vos administrateurs.",

  "mail.deviceCode.body":
    "Quelqu’un qui connaît votre mot de passe se connecte à votre compte {product} depuis un appareil que nous ne connaissons pas encore. Pour confirmer que c’est vous, saisissez ce code sur la page de connexion :",
  "mail.deviceCode.validity": "Le code fonctionne pendant {validFor}. Demander un nouveau code remplace celui-ci.",
  "mail.signInFrom": "La connexion venait de {ip} ({location}, approximativement) avec {browser}, le {time}.",
  "mail.deviceCode.notYou":
    "Si ce n’était pas vous, ne communiquez le code à personne : quelqu’un connaît votre mot de passe. Changez-le dès que possible avec « Mot de passe oublié ? » sur la page de connexion.",

  "mail.magic.body":
    "Quelqu’un a demandé un lien pour se connecter à votre compte {product}. Pour vous connecter, ouvrez ce lien dans le navigateur où vous l’avez demandé :",
  "mail.magic.button": "Se connecter à {product}",
  "mail.magic.validity":
    "Le lien fonctionne une fois et pendant {validFor}. Une demande plus récente le remplace. Ouvert dans un autre navigateur ou appareil, il affiche un code à saisir dans le navigateur où vous l’avez demandé.",
  "mail.magic.ignore": "Si vous n’avez rien demandé, ignorez cet e-mail et ne communiquez jamais à personne un code affiché par le lien.",

  "mail.suspicious.body":
    "Quelqu’un s’est connecté à votre compte {product} avec votre mot de passe, et nous avons retenu la connexion car elle semble inhabituelle :",
  "mail.suspicious.approve": "Si c’était vous, approuvez-la et la connexion se poursuit dans le navigateur en attente :",
  "mail.suspicious.approveButton": "Oui, c’était moi",
  "mail.suspicious.deny": "Si ce n’était pas vous, bloquez-la, puis réinitialisez votre mot de passe :",
  "mail.suspicious.denyButton": "Non, bloquer cette connexion",
  "mail.suspicious.validity":
    "Chaque lien ouvre une page avec un bouton ; les liens fonctionnent une fois, pendant {validFor}. Utiliser l’un annule l’autre.",

  "mail.deleted.admin": "Un administrateur a supprimé votre compte {product} le {time}.",
  "mail.deleted.grace":
    "Le délai d’attente après votre demande de suppression de votre compte {product} est écoulé, et le compte a été effacé le {time}.",
  "mail.deleted.self":
    "Votre compte {product} a été supprimé le {time}, à votre demande, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.deleted.gone":
    "Toutes les sessions ont pris fin, les applications ont été déconnectées, et votre profil, vos sessions, vos appareils, vos deuxièmes facteurs et vos appartenances aux équipes ont disparu. Le journal de sécurité conserve ce qui s’est passé sous un pseudonyme, sans votre nom, votre adresse ni vos adresses IP.",
  "mail.deleted.last":
    "C’est le dernier e-mail que nous envoyons à cette adresse au sujet de ce compte. Vous pouvez vous réinscrire avec elle à tout moment.",
  "mail.deletionScheduled.body":
    "Vous avez demandé la suppression de votre compte {product} le {time}, depuis {ip} ({location}, approximativement) avec {browser}.",
  "mail.deletionScheduled.disabled":
    "Le compte est désormais désactivé : toutes les sessions ont pris fin et les applications ont été déconnectées. Il sera définitivement effacé le {until}.",
  "mail.deletionScheduled.restore":
    "Vous avez changé d’avis, ou ce n’était pas vous ? D’ici là, ce lien restaure le compte (il fonctionne une fois) :",
  "mail.deletionScheduled.notYou": "Si ce n’était pas vous, réinitialisez votre mot de passe après avoir restauré le compte.",

  "mail.lockout.deviceCode":
    "Quelqu’un s’est connecté à votre compte {product} avec le bon mot de passe dans un navigateur que vous avez approuvé ({device}, de confiance depuis le {trustedOn}), mais a ensuite saisi {attempts} fois un code à deux facteurs erroné ; la connexion depuis ce navigateur est donc verrouillée jusqu’au {until}.",
  "mail.lockout.devicePassword":
    "Quelqu’un a saisi {attempts} fois un mot de passe erroné pour votre compte {product} dans un navigateur que vous avez approuvé ({device}, de confiance depuis le {trustedOn}) ; la connexion depuis ce navigateur est donc verrouillée jusqu’au {until}.",
  "mail.lockout.lastAttempt": "La dernière tentative venait de {ip}.",
  "mail.lockout.lastAttemptUsing": "La dernière tentative venait de {ip} avec {userAgent}.",
  "mail.lockout.notLocked": "Votre compte n’est pas verrouillé : vos autres navigateurs se connectent normalement.",
  "mail.lockout.deviceNotYou":
    "Si ce n’était pas vous, quelqu’un sur ce navigateur (un ordinateur partagé ou public ?) essaie de se connecter à votre place.",
  "mail.lockout.knowPassword":
    "Cette personne connaît votre mot de passe : réinitialisez-le maintenant avec « Mot de passe oublié ? » sur la page de connexion.",
  "mail.lockout.changePassword": "Changez votre mot de passe.",
  "mail.lockout.removeDevice":
    "Retirez ensuite ce navigateur sous « Appareils » sur la page de votre compte, pour qu’il ne se connecte plus sans code.",
  "mail.lockout.accountCode":
    "Quelqu’un s’est connecté à votre compte {product} avec le bon mot de passe, mais a ensuite saisi {attempts} fois un code à deux facteurs erroné ; le compte est donc verrouillé jusqu’au {until}.",
  "mail.lockout.accountPassword":
    "Quelqu’un a tenté {attempts} fois de se connecter à votre compte {product} avec un mot de passe erroné ; le compte est donc verrouillé jusqu’au {until}.",
  "mail.lockout.codeNotYou":
    "Si ce n’était pas vous, quelqu’un connaît votre mot de passe : réinitialisez-le maintenant avec « Mot de passe oublié ? » sur la page de connexion.",
  "mail.lockout.wait":
    "Si c’était vous, attendez jusque-là et réessayez. Sinon, votre mot de passe est peut-être connu de quelqu’un d’autre : changez-le dès que vous pourrez vous connecter.",
  "mail.lockout.waitOrUnlock":
    "Si c’était vous, attendez jusque-là et réessayez, ou déverrouillez votre compte maintenant. Sinon, votre mot de passe est peut-être connu de quelqu’un d’autre : changez-le dès que vous pourrez vous connecter.",
  "mail.lockout.unlockButton": "Déverrouiller mon compte",
  "mail.lockout.unlockValidity": "Le lien fonctionne une fois et pendant {validFor}.",
  "mail.lockout.unlockText": "Pour déverrouiller votre compte, ouvrez ce lien (il fonctionne une fois et pendant {validFor}) :",
  "mail.lockout.approvedKeepWorking":
    "Les navigateurs que vous avez déjà approuvés pour ce compte (avec un code de connexion reçu par e-mail ou votre application d’authentification) continuent de fonctionner tant qu’il est verrouillé.",
};
