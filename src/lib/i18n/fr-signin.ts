// Français : the later steps of a sign-in and the refusals of the login flow (keys and {placeholders} as in en-signin.ts).
import type { enSignIn } from "./en-signin.ts";

export const frSignIn: Record<keyof typeof enSignIn, string> = {
  "signin.checkEmail": "Consultez vos e-mails",
  "signin.signingInTo": "Connexion à {client}",
  "signin.signingIn": "Connexion",
  "signin.oneMoreStep": "Encore une étape pour vous connecter",
  "signin.startOver": "Recommencer",
  "signin.startOverOther": "Recommencer avec un autre compte",
  "signin.continue": "Continuer",
  "signin.verify": "Vérifier",
  "signin.linkInvalid": "Ce lien n’est plus valide",

  "signin.device.fromNewDeviceTo": "Connexion à {client} depuis un nouvel appareil",
  "signin.device.fromNewDevice": "Connexion depuis un nouvel appareil",
  "signin.device.accountLocked":
    "Trop de codes erronés ont été saisis pour ce compte : pour l’instant, nous n’envoyons ni n’acceptons aucun code. Réessayez plus tard, ou connectez-vous depuis un appareil que vous avez déjà utilisé.",
  "signin.device.locked":
    "Aucun code n’a été saisi correctement, cette connexion ne peut donc pas continuer. Vous pouvez recommencer : nous vous enverrons un nouveau code par e-mail.",
  "signin.device.emailed":
    "Nous avons envoyé un code à {email}. Saisissez-le pour confirmer que cet appareil est le vôtre ; nous nous en souviendrons la prochaine fois.",
  "signin.device.codeLabel": "Code reçu par e-mail",
  "signin.device.codeHint.one": "Le code à 6 chiffres est valable {minutes} minute.",
  "signin.device.codeHint.other": "Le code à 6 chiffres est valable {minutes} minutes.",
  "signin.device.resend": "Envoyer un nouveau code",
  "signin.device.resendIn.one": "Vous pourrez demander un nouveau code dans {seconds} seconde. Rechargez cette page pour vérifier.",
  "signin.device.resendIn.other": "Vous pourrez demander un nouveau code dans {seconds} secondes. Rechargez cette page pour vérifier.",
  "signin.device.resent": "Nous vous avons envoyé un nouveau code. L’ancien ne fonctionne plus.",

  "signin.enrol.title": "Configurer l’authentification à deux facteurs",
  "signin.enrol.on":
    "L’authentification à deux facteurs est activée. Conservez ces codes de secours en lieu sûr : chacun fonctionne une fois si vous perdez votre appareil. Ils ne sont affichés que maintenant.",
  "signin.enrol.required":
    "Votre organisation exige un second facteur pour votre compte. Configurez dès maintenant une application d’authentification pour terminer la connexion.",
  "signin.enrol.qr": "Code QR pour ajouter ce compte à une application d’authentification",
  "signin.enrol.cantScan": "Impossible de le scanner ? Saisissez plutôt cette clé dans l’application (basée sur le temps, 6 chiffres) :",
  "signin.enrol.codeLabel": "Code de l’application",
  "signin.enrol.submit": "Activer et continuer",
  "signin.enrol.codeFormat": "Saisissez le code à 6 chiffres de votre application d’authentification",
  "signin.enrol.already": "L’authentification à deux facteurs est déjà activée pour cette connexion.",

  "signin.hold.unusual": "Cette connexion semble inhabituelle, nous avons donc envoyé un message à {email} pour la confirmer.",
  "signin.hold.openEmail":
    "Ouvrez l’e-mail et choisissez {approve}. Cette page continue d’elle-même ensuite ; vous pouvez la laisser ouverte.",
  "signin.hold.approveWord": "Approuver",
  "signin.hold.waiting.one": "En attente de votre approbation. Les liens sont valables environ {minutes} minute.",
  "signin.hold.waiting.other": "En attente de votre approbation. Les liens sont valables environ {minutes} minutes.",
  "signin.hold.blockedTitle": "Cette connexion a été bloquée",
  "signin.hold.blockedBody":
    "Quelqu’un a utilisé le lien de l’e-mail pour indiquer que cette connexion ne venait pas de lui, elle n’a donc pas abouti.",
  "signin.hold.blockedReset":
    "Si ce n’était pas vous, quelqu’un d’autre connaît votre mot de passe : réinitialisez-le maintenant pour qu’il ne puisse pas réessayer.",
  "signin.hold.approveTitle": "Approuver cette connexion ?",
  "signin.hold.blockTitle": "Bloquer cette connexion ?",
  "signin.hold.someone": "Quelqu’un s’est connecté à {app} avec votre mot de passe",
  "signin.hold.when": "Quand",
  "signin.hold.from": "Depuis",
  "signin.hold.approximately": "{location} (environ), {ip}",
  "signin.hold.browser": "Navigateur",
  "signin.hold.why": "Pourquoi nous demandons",
  "signin.hold.approveBody": "Si c’était vous, approuvez-la : la connexion continue dans le navigateur qui attend.",
  "signin.hold.approveButton": "Oui, c’était moi : approuver",
  "signin.hold.blockBody": "Si ce n’était pas vous, bloquez-la : la connexion s’arrête, et vous devriez réinitialiser votre mot de passe.",
  "signin.hold.blockButton": "Ce n’était pas moi : bloquer",
  "signin.hold.approvedTitle": "Connexion approuvée",
  "signin.hold.approvedBody": "Le navigateur qui attendait poursuit la connexion de lui-même. Vous pouvez fermer cette page.",
  "signin.hold.blockedShort": "Connexion bloquée",
  "signin.hold.blockedDone":
    "La connexion n’a pas abouti. La personne qui l’a tentée connaît votre mot de passe : réinitialisez-le maintenant.",
  "signin.hold.invalidExpired": "Ce lien a expiré. Rien n’a été modifié.",
  "signin.hold.invalidUsed": "Ce lien, ou l’autre lien du même e-mail, a déjà été utilisé. Rien n’a été modifié.",
  "signin.hold.invalidBody":
    "Les liens d’approbation et de blocage fonctionnent une fois, pendant quelques minutes. Si vous essayez de vous connecter, recommencez : un nouvel e-mail arrivera si nécessaire.",
  "signin.hold.invalidNotYou": "Si vous n’avez pas essayé de vous connecter, réinitialisez votre mot de passe.",

  "signin.single.title": "Vous êtes connecté ailleurs",
  "signin.single.body": "Votre compte ne peut être connecté qu’à un seul endroit à la fois. Il est connecté ici :",
  "signin.single.browserOn": "{browser} sous {os}",
  "signin.single.times": "Ouverte {started} · dernière activité {lastActive}",
  "signin.single.hint": "Déconnecter l’autre session déconnecte aussi les applications auxquelles elle s’est connectée.",
  "signin.single.continue": "Déconnecter l’autre session et continuer",
  "signin.single.cancel": "Annuler",

  "signin.team.title": "Choisir une équipe",
  "signin.team.requested": "L’application a demandé l’équipe « {team} », qui ne fait pas partie de vos équipes.",
  "signin.team.chooseOrBack": "Choisissez l’une des vôtres pour continuer, ou revenez à l’application.",
  "signin.team.yours": "Vos équipes",
  "signin.team.hint":
    "L’application reçoit votre rôle et vos autorisations dans cette équipe. Pour utiliser une autre équipe plus tard, choisissez-la depuis l’application.",
  "signin.team.none": "Vous n’êtes encore membre d’aucune équipe.",
  "signin.team.withoutTeam": "Continuer sans équipe",

  "signin.magic.sent":
    "Si un compte utilise {email}, nous lui avons envoyé un lien de connexion. Il fonctionne une fois, pendant 10 minutes. Ouvrez-le dans ce navigateur pour vous connecter.",
  "signin.magic.elsewhere": "Ouvert sur un autre appareil, le lien affiche plutôt un code à 6 chiffres : saisissez-le ici.",
  "signin.magic.codeLabel": "Code du lien",
  "signin.magic.yourAddress": "votre adresse",
  "signin.magic.submit": "Se connecter avec le code",
  "signin.magic.codeFormat": "Saisissez le code à 6 chiffres affiché par le lien",
  "signin.magic.openTitle": "Se connecter avec votre lien",
  "signin.magic.openBody":
    "Continuez pour vous connecter. Dans le navigateur où vous avez demandé le lien, cela vous connecte ; ailleurs, un code s’affiche, à saisir là-bas.",
  "signin.magic.codePageTitle": "Votre code de connexion",
  "signin.magic.codeTitle": "Saisissez ce code là où vous avez demandé le lien",
  "signin.magic.codeBody":
    "Ce lien a été ouvert dans un autre navigateur ou sur un autre appareil que celui qui l’a demandé, il ne connecte donc pas celui-ci. Dans le navigateur où vous l’avez demandé, saisissez :",
  "signin.magic.yourCode": "Votre code :",
  "signin.magic.codeWorks": "Le code fonctionne une fois, pendant {minutes} minutes.",
  "signin.magic.codeHint":
    "Si vous n’avez pas demandé de lien de connexion, fermez cette page et ne communiquez jamais ce code à personne.",
  "signin.magic.invalidTitle": "Ce lien de connexion n’est plus valide",
  "signin.magic.invalidBody":
    "Il a déjà été utilisé, remplacé par un lien plus récent, ou il a expiré. Revenez à l’application et demandez un nouveau lien sur la page de connexion.",

  "signin.link.pageTitle": "Associer {provider}",
  "signin.link.title": "Associer {provider} à votre compte",
  "signin.link.subtitle":
    "Un compte avec {email} existe déjà. Saisissez son mot de passe pour y associer {provider} ; ensuite, vous pourrez vous connecter avec l’un ou l’autre.",
  "signin.link.password": "Mot de passe de {email}",
  "signin.link.submit": "Associer et se connecter",
  "signin.link.passkey": "Associer avec une clé d’accès de ce compte",
  "signin.link.cancel": "Annuler et se connecter autrement",
  "signin.saml.title": "Connexion avec {provider}",
  "signin.saml.answered": "{provider} a répondu. Continuez pour terminer la connexion.",

  "refusal.unverified":
    "Veuillez confirmer votre adresse e-mail avant de vous connecter. Cherchez le lien de confirmation dans votre boîte de réception, ou demandez-en un nouveau.",
  "refusal.busy": "Trop de connexions sont en cours en ce moment. Veuillez réessayer dans un instant.",
  "refusal.startAgain": "Cette étape de connexion a expiré. Recommencez et saisissez votre mot de passe.",
  "refusal.teamRequired": "Choisissez l’une de vos équipes.",
  "refusal.deviceWrongCode.one": "Ce code n’est pas correct. Il reste {count} essai.",
  "refusal.deviceWrongCode.other": "Ce code n’est pas correct. Il reste {count} essais.",
  "refusal.deviceCodeExpired": "Ce code a expiré. Demandez un nouveau code.",
  "refusal.deviceAttemptsUsed":
    "Trop de codes erronés. Pour votre sécurité, cette connexion a été arrêtée : recommencez et saisissez de nouveau votre mot de passe.",
  "refusal.accountLocked":
    "Trop de codes erronés pour ce compte ; réessayez plus tard ou connectez-vous depuis un appareil que vous avez déjà utilisé.",
  "refusal.deviceCooldown.one": "Veuillez patienter {count} seconde avant de demander un nouveau code.",
  "refusal.deviceCooldown.other": "Veuillez patienter {count} secondes avant de demander un nouveau code.",
  "refusal.deviceEmailLimited": "Trop d’e-mails de confirmation d’appareil. Veuillez réessayer plus tard.",
  "refusal.deviceCodeFormat": "Saisissez le code à 6 chiffres reçu par e-mail.",
  "refusal.magicLinkInvalid":
    "Ce lien de connexion n’est plus valide : il a été utilisé, remplacé par un plus récent, ou il a expiré. Demandez-en un nouveau sur la page de connexion.",
  "refusal.magicCodeInvalid":
    "Ce code n’est pas correct ou n’est plus valide. Demandez un nouveau lien de connexion si cela continue d’échouer.",
  "refusal.upstreamFailed":
    "La connexion via ce fournisseur n’a pas fonctionné : sa réponse n’a pas pu être acceptée. Recommencez, ou connectez-vous autrement.",
  "refusal.upstreamCancelled":
    "La connexion via ce fournisseur y a été annulée, vous n’êtes donc pas connecté. Recommencez, ou connectez-vous autrement.",
  "refusal.upstreamUnavailable":
    "Ce fournisseur de connexion n’a pas répondu à temps. Réessayez dans un instant, ou connectez-vous autrement.",
  "refusal.upstreamNoEmail":
    "Ce fournisseur de connexion n’a pas partagé votre adresse e-mail, aucun compte n’a donc pu être créé. Autorisez-y le partage de votre e-mail, ou connectez-vous autrement.",
  "refusal.upstreamEmailTaken":
    "Un compte avec cette adresse e-mail existe déjà, et le fournisseur n’a pas vérifié l’adresse. Connectez-vous plutôt avec votre mot de passe ou votre clé d’accès.",
  "refusal.ssoRequired":
    "Votre organisation exige l’authentification unique pour cette adresse : utilisez « Continuer avec l’authentification unique (SSO) ».",
  "refusal.upstreamLinkRequired":
    "Un compte avec cette adresse e-mail existe déjà. Connectez-vous d’abord avec votre mot de passe ou votre clé d’accès ; vous pourrez ensuite associer le fournisseur à votre compte.",
};
