// Français : the pages around signing in (keys and {placeholders} as in en-pages.ts).
import type { enPages } from "./en-pages.ts";

export const frPages: Record<keyof typeof enPages, string> = {
  "layout.language": "Langue",
  "common.signIn": "Se connecter",
  "common.signOut": "Se déconnecter",
  "common.home": "Accueil",
  "common.resetPassword": "Réinitialiser votre mot de passe",
  "common.forAccount": "Pour le compte {username}",
  "common.goToAccount": "Aller à votre compte",

  "checkEmail.title": "Consultez vos e-mails",
  "checkEmail.body":
    "Si {email} peut recevoir un e-mail de compte {product}, nous en avons envoyé un. Suivez le lien qu’il contient pour confirmer l’adresse, puis connectez-vous.",
  "checkEmail.nothing": "Rien reçu après quelques minutes ? Vérifiez votre dossier de courrier indésirable, ou",
  "checkEmail.askAgain": "demandez un nouveau lien",
  "verified.title": "Adresse e-mail confirmée",
  "verified.continueTo": "Votre adresse e-mail est confirmée. Connectez-vous pour continuer vers {app}.",
  "verified.continueButton": "Continuer vers {app}",
  "verified.body":
    "Votre adresse e-mail est confirmée. Retournez à l’application d’où vous venez et connectez-vous, ou connectez-vous à votre compte ici.",
  "verifyConfirm.title": "Confirmer votre adresse e-mail",
  "verifyConfirm.submit": "Confirmer mon adresse e-mail",
  "verifyResend.title": "Vérifier votre adresse e-mail",
  "verifyResend.subtitle": "Nous enverrons un nouveau lien de confirmation à votre adresse.",
  "verifyResend.submit": "Renvoyer l’e-mail de vérification",
  "verifyResend.haveIt": "Vous avez déjà l’e-mail ? Ouvrez le lien qu’il contient. Vous pouvez aussi en demander un nouveau plus tard sur",
  "verifyResend.backToSignIn": "C’est confirmé ? Retour à la connexion",
  "verifyResend.linkInvalid": "Ce lien a expiré ou a déjà été utilisé. Demandez-en un nouveau ci-dessous.",

  "unlock.title": "Déverrouiller votre compte",
  "unlock.lockedUntil":
    "Après trop de mots de passe erronés, la connexion à ce compte depuis des navigateurs inconnus est verrouillée jusqu’au {until}.",
  "unlock.advice":
    "Si ces tentatives venaient de vous, déverrouillez le compte et reconnectez-vous. Sinon, quelqu’un connaît ou devine peut-être votre mot de passe : déverrouillez le compte et changez votre mot de passe, ou réinitialisez-le.",
  "unlock.submit": "Déverrouiller mon compte",
  "unlock.resetInstead": "Réinitialiser plutôt votre mot de passe",
  "unlock.notLocked": "Ce compte n’est plus verrouillé : le verrouillage a pris fin. Vous pouvez vous connecter.",
  "unlockDone.title": "Votre compte est déverrouillé",
  "unlockDone.canSignIn": "Le compte {username} peut de nouveau se connecter.",
  "unlockDone.canSignInNotLocked": "Le compte {username} peut de nouveau se connecter (il n’était plus verrouillé).",
  "unlockDone.advice":
    "Si les mots de passe erronés ne venaient pas de vous, choisissez dès maintenant un nouveau mot de passe : la réinitialisation déconnecte aussi toutes les autres sessions.",
  "linkInvalid.title": "Ce lien n’est plus valide",
  "linkInvalid.nothingChanged": "Rien n’a été modifié.",
  "unlockInvalid.expired": "Ce lien de déverrouillage a expiré.",
  "unlockInvalid.used": "Ce lien de déverrouillage a déjà été utilisé, ou il ne vient pas de nous.",
  "unlockInvalid.body":
    "Les liens de déverrouillage fonctionnent une fois, pendant une durée limitée. Un verrouillage prend aussi fin de lui-même à l’heure indiquée dans l’e-mail, et une réinitialisation du mot de passe y met fin immédiatement.",
  "restore.title": "Restaurer votre compte",
  "restore.body":
    "Ce compte est désactivé et sera effacé le {until}. Restaurez-le pour le garder : vous pourrez ensuite vous connecter comme avant.",
  "restore.submit": "Restaurer mon compte",
  "restoreDone.title": "Votre compte est restauré",
  "restoreDone.body":
    "La suppression est annulée. Connectez-vous comme avant. Si vous n’avez pas demandé vous-même la suppression, réinitialisez dès maintenant votre mot de passe.",
  "restoreInvalid.expired": "Ce lien de restauration a expiré : le délai de grâce du compte est écoulé.",
  "restoreInvalid.used": "Ce lien de restauration a déjà été utilisé, ou il ne vient pas de nous.",
  "deleted.title": "Compte supprimé",
  "deleted.scheduledTitle": "Suppression du compte programmée",
  "deleted.heading": "Votre compte a été supprimé",
  "deleted.scheduledHeading": "Votre compte va être supprimé",
  "deleted.scheduledBody": "Votre compte est désactivé et toutes les sessions ont pris fin. Il sera définitivement effacé le {until}.",
  "deleted.changedMind": "Vous avez changé d’avis ? L’e-mail que nous venons de vous envoyer contient un lien qui le restaure d’ici là.",
  "deleted.body":
    "Votre compte et les données qui lui appartenaient ont disparu, et toutes les sessions ont pris fin. Nous avons envoyé une confirmation à votre adresse e-mail.",
  "deleted.registerAgain": "Vous pouvez vous réinscrire avec la même adresse à tout moment.",

  "loggedOut.title": "Déconnecté",
  "loggedOut.heading": "Vous êtes déconnecté",
  "loggedOut.bodyClient": "Vous avez été déconnecté de {client} et de {product}.",
  "loggedOut.body": "Vous avez été déconnecté de {product}.",
  "loggedOut.signInAgain": "Se reconnecter",
  "loggedOut.close": "Ou fermez cette fenêtre.",
  "logout.title": "Se déconnecter",
  "logout.heading": "Se déconnecter de {product} ?",
  "logout.client": "Vous vous déconnectez de {client}.",
  "logout.yes": "Oui, me déconnecter",
  "logout.no": "Non, rester connecté",

  "home.subtitle": "Un fournisseur d’identité OAuth 2.0 et OpenID Connect.",
  "home.body":
    "Les applications vous envoient ici pour vous connecter. {product} vérifie qui vous êtes et indique à l’application, avec votre permission, quelles équipes et quels rôles vous avez.",
  "home.signedIn": "Vous êtes connecté.",
  "home.signIn": "Se connecter à votre compte",
  "home.admin": "Console d’administration",
  "home.adminNote": "(administrateurs)",
  "home.issuer": "Émetteur",
  "home.discovery": "Découverte",
  "home.discoveryLink": "Document de découverte OpenID",

  "invitation.title": "Invitation",
  "invitation.join": "Rejoindre {team}",
  "invitation.adminTitle": "Invitation d’administrateur",
  "invitation.teamBy": "{inviter} vous a invité dans l’équipe {team} en tant que {role}.",
  "invitation.team": "Vous êtes invité dans l’équipe {team} en tant que {role}.",
  "invitation.adminBy": "{inviter} vous a invité à administrer {product} en tant que {role}.",
  "invitation.admin": "Vous êtes invité à administrer {product} en tant que {role}.",
  "invitation.signedInAs": "Vous êtes connecté en tant que {username}, l’adresse invitée.",
  "invitation.accept": "Accepter l’invitation",
  "invitation.wrongAccount":
    "Cette invitation est pour {email}, et vous êtes connecté en tant que {username} avec une autre adresse. L’adresse invitée doit correspondre : déconnectez-vous, puis connectez-vous (ou inscrivez-vous) avec {email}.",
  "invitation.alreadyMember": "Vous êtes déjà membre de {team}. Rien ne change.",
  "invitation.open": "Ouvrir {team}",
  "invitation.openTeam": "Ouvrir l’équipe",
  "invitation.alreadyAdmin": "Votre compte a déjà un rôle d’administrateur. Rien ne change.",
  "invitation.signInOrRegister":
    "Cette invitation est pour {email}. Connectez-vous avec cette adresse pour l’accepter, ou créez un compte avec elle.",
  "invitation.signInWith": "Cette invitation est pour {email}. Connectez-vous avec cette adresse pour l’accepter.",
  "invitation.signInToAccept": "Se connecter pour accepter",
  "invitation.createAccount": "Créer un compte",
  "invitation.welcome": "Bienvenue dans {team}",
  "invitation.adminNow": "Vous êtes maintenant administrateur",
  "invitation.notAccepted": "Invitation non acceptée",
  "invitation.joined": "Vous avez rejoint {team} en tant que {role}.",
  "invitation.adminRole": "Votre compte a maintenant le rôle système {role}.",

  "registration.joined": "Vous avez rejoint {team} en tant que {role}.",
  "registration.member": "Vous êtes membre de {team}.",
  "registration.admin": "Vous êtes maintenant administrateur de cette instance {product} ({role}).",
  "registration.invitationFailed":
    "Votre adresse est confirmée, mais l’invitation n’a pas pu être acceptée : elle a été retirée, a expiré ou a déjà été utilisée. Demandez-en une nouvelle à la personne qui vous a invité.",
  "registration.invitationInvalid":
    "Ce lien d’invitation n’est pas valide. Vous pouvez tout de même créer ci-dessous un compte avec votre propre équipe.",
  "registration.invitationUsed":
    "Cette invitation a déjà été acceptée. Vous pouvez tout de même créer ci-dessous un compte avec votre propre équipe.",
  "registration.invitationRevoked":
    "Cette invitation a été retirée. Vous pouvez tout de même créer ci-dessous un compte avec votre propre équipe.",
  "registration.invitationExpired":
    "Cette invitation a expiré. Vous pouvez tout de même créer ci-dessous un compte avec votre propre équipe.",
  "form.email": "Saisissez une adresse e-mail valide",
  "form.usernameTooLong": "Ce nom d’utilisateur est trop long",
  "form.choosePassword": "Choisissez un mot de passe",
  "form.passwordTooLong": "Les mots de passe comptent au plus 1024 caractères",
  "form.teamNameTooLong": "Ce nom d’équipe est trop long",
  "form.teamSlugTooLong": "Cette adresse d’équipe est trop longue",
  "form.usernamePattern": "Les noms d’utilisateur comptent de 3 à 32 lettres, chiffres, points, tirets ou traits de soulignement.",
  "form.usernameTaken": "Ce nom d’utilisateur est pris. Veuillez en choisir un autre.",
  "form.teamNameEmpty": "Saisissez un nom pour votre équipe.",
  "form.teamSlugTaken": "Cette adresse d’équipe est prise. Veuillez en choisir une autre.",
  "form.identifier": "Saisissez votre adresse e-mail ou votre nom d’utilisateur",
  "form.identifierTooLong": "Cette adresse e-mail ou ce nom d’utilisateur est trop long",
  "form.chooseNewPassword": "Choisissez un nouveau mot de passe",
  "form.codeTooLong": "Ce code est trop long",
  "form.invalidCode":
    "Ce code n’est pas valide. Saisissez le code actuel de votre application d’authentification, ou un code de secours inutilisé.",
  "form.missingCode": "Saisissez le code de votre application d’authentification, ou un code de secours.",
  // the password policy's refusals (services/password-policy.ts MESSAGES; test/unit/i18n-format.test.ts keeps them equal)
  "policy.tooLong": "Les mots de passe comptent au plus 1024 caractères.",
  "policy.commonPassword":
    "Ce mot de passe est trop courant : il figure sur les listes que les attaquants essaient en premier, y compris avec des majuscules, des caractères ressemblants, des chiffres ou des symboles ajoutés. Quelques mots sans rapport font un mot de passe solide.",
  "policy.commonWord":
    "Ce mot de passe est trop courant : un mot entouré de chiffres ou de symboles fait partie des premières choses que les attaquants essaient. Quelques mots sans rapport font un mot de passe solide.",
  "policy.personal": "Ne construisez pas votre mot de passe à partir de votre nom, de votre nom d’utilisateur ou de votre adresse e-mail.",
  "policy.weak": "Ce mot de passe est trop facile à deviner. Ajoutez un ou deux mots.",
  "policy.breached":
    "Ce mot de passe est apparu dans une fuite de données : les attaquants l’essaient donc en premier. Choisissez-en un autre.",
  "notice.password_reset":
    "Votre mot de passe a été changé et toutes les sessions ont été déconnectées. Connectez-vous avec votre nouveau mot de passe.",
  "notice.email_changed": "Votre adresse e-mail a été changée.",
  "notice.email_verified": "Votre adresse e-mail est confirmée. Connectez-vous pour continuer.",
};
