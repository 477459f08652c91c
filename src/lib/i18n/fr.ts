// Français : the sign-in pages (keys and {placeholders} as in en.ts).
import type { MessageKey } from "./en.ts";
import { frPages } from "./fr-pages.ts";
import { frAccount } from "./fr-account.ts";
import { frMail } from "./fr-mail.ts";
import { frSignIn } from "./fr-signin.ts";
import { frAdmin } from "./fr-admin.ts";
import { frAdminConfig } from "./fr-admin-config.ts";
import { frTeams } from "./fr-teams.ts";
import { frHolds } from "./fr-holds.ts";

export const fr: Record<MessageKey, string> = {
  "layout.skip": "Aller au contenu",
  "layout.theme": "Thème :",
  "layout.theme.system": "Système",
  "layout.theme.light": "Clair",
  "layout.theme.dark": "Sombre",
  "layout.footer": "Fournisseur d’identité OpenID Connect",
  "layout.poweredBy": "propulsé par Gatehouse",
  "layout.admin": "Administration",
  "layout.support": "Assistance",
  "layout.terms": "Conditions d'utilisation",
  "layout.privacy": "Confidentialité",

  "login.title": "Bienvenue",
  "login.subtitle": "Connectez-vous à votre compte ou créez-en un nouveau.",
  "login.subtitleClient": "Connectez-vous pour continuer vers {client}, ou créez un nouveau compte.",
  "login.tabs": "Se connecter ou s’inscrire",
  "login.tabSignIn": "Se connecter",
  "login.tabRegister": "S’inscrire",
  "login.identifier": "Adresse e-mail ou nom d’utilisateur",
  "login.password": "Mot de passe",
  "login.remember": "Rester connecté",
  "login.submit": "Se connecter",
  "login.passkey": "Se connecter avec une clé d’accès",
  "login.magicLabel": "Ou recevoir un lien de connexion par e-mail",
  "login.magicSubmit": "M’envoyer un lien de connexion",
  "login.upstreams": "Ou se connecter avec",
  "login.upstream": "Se connecter avec {name}",
  "login.sso": "Continuer avec l’authentification unique (SSO)",
  "login.forgot": "Mot de passe oublié ?",
  "login.verify": "Adresse e-mail à confirmer ?",
  "login.adminRegister": "S’inscrire comme administrateur",

  "totp.title": "Authentification à deux facteurs",
  "totp.signingInTo": "Connexion à {client}",
  "totp.oneMoreStep": "Encore une étape pour vous connecter",
  "totp.passkeyUnsupported":
    "Utilisez votre clé d’accès ou votre clé de sécurité. Il faut JavaScript et un navigateur qui prend en charge les clés d’accès.",
  "totp.passkeyHint":
    "Votre navigateur demande votre clé d’accès ou votre clé de sécurité (touchez-la, ou déverrouillez avec votre empreinte, votre visage ou votre code).",
  "totp.passkeyButton": "Utiliser votre clé d’accès ou votre clé de sécurité",
  "totp.backupLabel": "Code de secours",
  "totp.backupHint":
    "Saisissez l’un des codes de secours enregistrés lors de l’activation de l’authentification à deux facteurs. Chaque code ne sert qu’une fois.",
  "totp.codeLabel": "Code d’authentification",
  "totp.codeHint": "Saisissez le code à 6 chiffres de votre application d’authentification.",
  "totp.verify": "Vérifier",
  "totp.usePasskey": "Utiliser une clé d’accès ou une clé de sécurité",
  "totp.useApp": "Utiliser votre application d’authentification",
  "totp.useBackup": "Utiliser un code de secours",
  "totp.startOver": "Recommencer avec un autre compte",

  "consent.thisApp": "Cette application",
  "consent.wantsTo": "{client} souhaite :",
  "consent.signedInAs": "Connecté en tant que",
  "consent.notYou": "Ce n’est pas vous ?",
  "consent.scope.openid": "Vous connecter",
  "consent.scope.profile": "Voir votre nom et votre nom d’utilisateur",
  "consent.scope.email": "Voir votre adresse e-mail",
  "consent.scope.offline_access": "Vous garder connecté à {client} en votre absence",
  "consent.scope.other": "Utiliser l’autorisation",
  "consent.continue": "Continuer avec votre compte {product}.",
  "consent.trust": "N’autorisez ceci que si vous faites confiance à {client}.",
  "consent.allow": "Autoriser",
  "consent.deny": "Refuser",

  "forgot.title": "Réinitialiser votre mot de passe",
  "forgot.subtitle":
    "Saisissez l’adresse e-mail ou le nom d’utilisateur de votre compte. Nous vous enverrons un lien pour choisir un nouveau mot de passe.",
  "forgot.submit": "M’envoyer un lien",
  "common.backToSignIn": "Retour à la connexion",
  "common.identifier": "Adresse e-mail ou nom d’utilisateur",
  "sent.title": "Consultez vos e-mails",
  "sent.body":
    "Si un compte existe pour cette adresse, nous avons envoyé un lien pour réinitialiser son mot de passe. Le lien ne sert qu’une fois et expire bientôt.",
  "sent.nothing": "Rien reçu après quelques minutes ? Vérifiez vos courriers indésirables, ou",
  "sent.askAgain": "redemandez-le",
  "resetInvalid.title": "Ce lien a expiré ou a déjà été utilisé",
  "resetInvalid.body":
    "Les liens de réinitialisation ne servent qu’une fois, pendant un temps limité, et seul le dernier demandé fonctionne.",
  "resetInvalid.ask": "Demander un nouveau lien",
  "reset.title": "Choisir un nouveau mot de passe",
  "reset.subtitle": "Pour le compte {username}. Toutes les sessions du compte sont ensuite fermées.",
  "reset.password": "Nouveau mot de passe",
  "reset.noReuse": "Vos mots de passe récents ne peuvent pas être réutilisés.",
  "reset.code": "Code à deux facteurs",
  "reset.codeHint":
    "Le code à 6 chiffres de votre application d’authentification, ou l’un de vos codes de secours. Une réinitialisation ne contourne jamais votre second facteur.",
  "reset.submit": "Enregistrer le nouveau mot de passe",

  "refusal.invalidCredentials": "Adresse e-mail ou mot de passe incorrect",
  "refusal.invalidCode": "Code invalide",
  "refusal.passkeyRefused": "Cette clé d’accès n’a pas été acceptée. Réessayez, ou connectez-vous autrement.",

  "password.hint":
    "Au moins {min} caractères ; aucun caractère spécial n’est nécessaire. Quelques mots sans rapport font un mot de passe solide. Les mots de passe courants (même avec des chiffres, des symboles ou des lettres semblables ajoutés) et ceux formés de votre nom, nom d’utilisateur ou adresse e-mail sont refusés.",
  "register.invited":
    "Vous êtes invité à rejoindre {team} en tant que {role}. Créez votre compte pour accepter ; vous rejoignez l’équipe dès que votre adresse e-mail est confirmée.",
  "register.username": "Nom d’utilisateur",
  "register.usernameHint": "3 à 32 lettres, chiffres, points, tirets ou traits de soulignement.",
  "register.email": "Adresse e-mail",
  "register.emailInvited": "L’invitation a été envoyée à cette adresse.",
  "register.password": "Mot de passe",
  "register.teamName": "Nom de l’équipe",
  "register.teamNameHint": "Une nouvelle équipe dont vous êtes le propriétaire. Vous pourrez inviter d’autres personnes plus tard.",
  "register.teamSlug": "Adresse de l’équipe (facultative)",
  "register.teamSlugHint":
    "Lettres minuscules, chiffres et tirets ; les applications l’utilisent pour demander cette équipe. Laissée vide, elle est formée à partir du nom.",
  "register.submit": "S’inscrire",

  "error.eyebrow": "Erreur {status}",
  "error.title": "Une erreur s’est produite",
  "error.message": "La requête n’a pas pu aboutir.",
  "error.notFound": "Page introuvable",
  "error.notFoundMessage": "Il n’y a pas de page à cette adresse. Vérifiez le lien ou allez à la page d’accueil.",
  "error.requestProblem": "Problème de requête",
  "error.server": "Erreur",
  "error.startAgain": "Recommencer",
  "error.home": "Aller à la page d’accueil",
  "error.reference": "Référence :",
  ...frPages,
  ...frAccount,
  ...frMail,
  ...frSignIn,
  ...frAdmin,
  ...frAdminConfig,
  ...frTeams,
  ...frHolds,
};
