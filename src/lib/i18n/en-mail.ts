// English: the emails (views/emails/*) and their subjects; part of the source catalogue (en.ts). {from} sentences
// take the request's {time}, {ip}, {location} and {browser}.
export const enMail = {
  "mail.subject.verify-email": "Confirm your email address for Gatehouse",
  "mail.subject.registration-attempt": "Someone tried to register with your email address",
  "mail.subject.lockout": "Your Gatehouse account was locked after failed sign-ins",
  "mail.subject.password-reset": "Reset your Gatehouse password",
  "mail.subject.password-changed": "Your Gatehouse password was changed",
  "mail.subject.two-factor-changed": "Two-factor authentication changed on your Gatehouse account",
  "mail.subject.confirm-email-change": "Confirm your new email address for Gatehouse",
  "mail.subject.email-changed": "The email address of your Gatehouse account was changed",
  "mail.subject.team-invitation": "You have been invited to Gatehouse",
  "mail.subject.ownership-transfer": "You are asked to take over a team on Gatehouse",
  "mail.subject.ownership-transfer-admin": "An administrator acted on the ownership of your team on Gatehouse",
  "mail.subject.device-code": "Your Gatehouse sign-in code",
  "mail.subject.suspicious-login": "Was this you signing in to Gatehouse?",
  "mail.subject.account-deleted": "Your Gatehouse account was deleted",
  "mail.subject.account-deletion-scheduled": "Your Gatehouse account will be deleted",
  "mail.subject.passkey-changed": "The passkeys of your Gatehouse account changed",
  "mail.subject.magic-link": "Your Gatehouse sign-in link",

  "mail.hello": "Hello {username},",
  "mail.helloAnyone": "Hello,",
  "mail.geo": "Approximate locations:",
  "mail.notYouReset": 'If this was not you, reset your password right away with "Forgot your password?" on the sign-in page.',

  "mail.verify.body": "Please confirm that this is your email address to finish creating your {product} account:",
  "mail.verify.button": "Confirm my email address",
  "mail.verify.validity": "The link works once and for {hours} hours. If you did not create an account, ignore this email.",

  "mail.attempt.body":
    "Someone (from {ip}) tried to create a new {product} account with this email address, which already has an account. Nothing was changed.",
  "mail.attempt.advice":
    'If it was you, sign in with your existing account instead. If you forgot your password, use "Forgot your password?" on the sign-in page.',

  "mail.reset.body": "Someone asked to reset the password of your {product} account. To choose a new password, open this link:",
  "mail.reset.button": "Choose a new password",
  "mail.reset.validity": "The link works once and for {minutes} minutes. A newer request replaces it.",
  "mail.requestFrom": "The request came from {ip} ({location}, approximately) using {browser}, at {time}.",
  "mail.reset.ignore": "If you did not ask for this, ignore this email: your password stays as it is.",

  "mail.passwordChanged.changed":
    "The password of your {product} account was changed at {time}, from {ip} ({location}, approximately) using {browser}.",
  "mail.passwordChanged.reset":
    "The password of your {product} account was reset at {time}, from {ip} ({location}, approximately) using {browser}.",
  "mail.passwordChanged.sessionsReset": "Every sign-in session of your account was ended, and applications must sign you in again.",
  "mail.passwordChanged.sessionsChanged": "Every other sign-in session of your account was ended, and applications must sign you in again.",
  "mail.passwordChanged.notYou":
    'If this was not you, reset your password right away with "Forgot your password?" on the sign-in page, and check your two-factor settings.',

  "mail.twoFactor.enabled":
    "Two-factor authentication was turned on for your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.",
  "mail.twoFactor.disabled":
    "Two-factor authentication was turned off for your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.",
  "mail.twoFactor.backup_codes_regenerated":
    "New backup codes were created (the old ones no longer work) for your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.",

  "mail.passkey.added":
    'A passkey named "{name}" was added to your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.',
  "mail.passkey.removed":
    'The passkey named "{name}" was removed from your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.',
  "mail.passkey.removedByAdmin":
    'The passkey named "{name}" was removed from (by an administrator) your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.',
  "mail.passkey.cloned":
    'A sign-in with your passkey named "{name}" was refused because its counter went backwards, which can mean the key was copied. It was tried on your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.',
  "mail.passkey.password_removed":
    "The password was removed from your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.",
  "mail.passkey.clonedAdvice": "If you did not copy this key, remove it on your account's Passkeys page and change your password.",
  "mail.passkey.notYou":
    'If this was not you, reset your password right away with "Forgot your password?" on the sign-in page and remove passkeys you do not know.',

  "mail.confirmChange.body": "You asked to use this address for your {product} account. Confirm it with this link:",
  "mail.confirmChange.button": "Confirm my new email address",
  "mail.confirmChange.validity":
    "The link works once and for {hours} hours. Until then your account keeps its current address. If you did not ask for this, ignore this email.",
  "mail.emailChanged.body":
    "The email address of your {product} account was changed to {email} at {time}, from {ip} ({location}, approximately) using {browser}. This address no longer receives its emails.",
  "mail.emailChanged.notYou": "If this was not you, contact your administrator right away.",

  "mail.invitation.admin": "{inviter} invited you to help run {product} as {role}.",
  "mail.invitation.team": "{inviter} invited you to join the team {team} on {product} as {role}.",
  "mail.invitation.button": "See the invitation",
  "mail.invitation.validity":
    "The link works once and for {validFor}. Sign in or create an account with this email address to accept it. If you did not expect this, ignore this email: nothing happens without you.",

  "mail.transfer.body": "{owner}, the Owner of the team {team} on {product}, asks you to become its Owner.",
  "mail.transfer.accept":
    "If you accept, you get every permission in the team, including billing and handing it on, and {owner} becomes a Manager.",
  "mail.transfer.button": "Review the transfer",
  "mail.transfer.validity":
    "The link works once and for {validFor}, and only while you are signed in as yourself. If you do not want the team, ignore this email: nothing changes.",
  "mail.transferAdmin.cancelled":
    "{admin}, an administrator of {product}, cancelled the transfer of your team {team} to {member}. The link we sent them no longer works, and you stay the Owner.",
  "mail.transferAdmin.started": "{admin}, an administrator of {product}, asked {member} to take over your team {team}.",
  "mail.transferAdmin.until":
    "Nothing changes until {member} accepts from the email we sent them. Then they become the Owner and you become a Manager.",
  "mail.transferAdmin.unexpected": "If you did not expect this, contact your administrators.",

  "mail.deviceCode.body":
    "Someone with your password is signing in to your {product} account from a device we do not know yet. To confirm it is you, enter this code on the sign-in page:",
  "mail.deviceCode.validity": "The code works for {validFor}. Asking for a new code replaces this one.",
  "mail.signInFrom": "The sign-in came from {ip} ({location}, approximately) using {browser}, at {time}.",
  "mail.deviceCode.notYou":
    'If this was not you, do not share the code with anyone: someone knows your password. Change it as soon as you can with "Forgot your password?" on the sign-in page.',

  "mail.magic.body":
    "Someone asked for a link to sign in to your {product} account. To sign in, open this link in the same browser where you asked for it:",
  "mail.magic.button": "Sign in to {product}",
  "mail.magic.validity":
    "The link works once and for {validFor}. A newer request replaces it. Opened in another browser or device, it shows a code to type in the browser where you asked.",
  "mail.magic.ignore": "If you did not ask for this, ignore this email and never tell anyone a code the link shows.",

  "mail.suspicious.body":
    "Someone signed in to your {product} account with your password, and we held the sign-in because it looks unusual:",
  "mail.suspicious.approve": "If this was you, approve it and the sign-in goes on in the browser that is waiting:",
  "mail.suspicious.approveButton": "Yes, it was me",
  "mail.suspicious.deny": "If it was not you, block it, then reset your password:",
  "mail.suspicious.denyButton": "No, block this sign-in",
  "mail.suspicious.validity": "Each link opens a page with one button; the links work once, for {validFor}. Using one ends the other.",

  "mail.deleted.admin": "An administrator deleted your {product} account at {time}.",
  "mail.deleted.grace":
    "The waiting period after you asked to delete your {product} account has ended, and the account was erased at {time}.",
  "mail.deleted.self": "Your {product} account was deleted at {time}, as you asked, from {ip} ({location}, approximately) using {browser}.",
  "mail.deleted.gone":
    "Every sign-in session ended, applications were signed out, and your profile, sessions, devices, second factors and team memberships are gone. The security log keeps what happened under a pseudonym, without your name, address or IP addresses.",
  "mail.deleted.last": "This is the last email we send to this address about the account. You can register again with it at any time.",
  "mail.deletionScheduled.body":
    "You asked to delete your {product} account at {time}, from {ip} ({location}, approximately) using {browser}.",
  "mail.deletionScheduled.disabled":
    "The account is disabled now: every session ended and applications were signed out. It will be erased for good at {until}.",
  "mail.deletionScheduled.restore": "Changed your mind, or was this not you? Until then this link restores the account (it works once):",
  "mail.deletionScheduled.notYou": "If it was not you, reset your password after restoring the account.",

  "mail.lockout.deviceCode":
    "Someone signed in to your {product} account with the right password in a browser you approved ({device}, trusted since {trustedOn}) but then gave a wrong two-factor code {attempts} times, so sign-in from that browser is locked until {until}.",
  "mail.lockout.devicePassword":
    "Someone typed a wrong password for your {product} account {attempts} times in a browser you approved ({device}, trusted since {trustedOn}), so sign-in from that browser is locked until {until}.",
  "mail.lockout.lastAttempt": "The last attempt came from {ip}.",
  "mail.lockout.lastAttemptUsing": "The last attempt came from {ip} using {userAgent}.",
  "mail.lockout.notLocked": "Your account is not locked: your other browsers sign in as usual.",
  "mail.lockout.deviceNotYou": "If this was not you, someone at that browser (a shared or public computer?) is trying to sign in as you.",
  "mail.lockout.knowPassword": 'They know your password: reset it now with "Forgot your password?" on the sign-in page.',
  "mail.lockout.changePassword": "Change your password.",
  "mail.lockout.removeDevice": "Then remove that browser under Devices on your account page, so it no longer signs in without a code.",
  "mail.lockout.accountCode":
    "Someone signed in to your {product} account with the right password but then gave a wrong two-factor code {attempts} times, so the account is locked until {until}.",
  "mail.lockout.accountPassword":
    "Someone tried to sign in to your {product} account {attempts} times with a wrong password, so the account is locked until {until}.",
  "mail.lockout.codeNotYou":
    'If this was not you, someone knows your password: reset it now with "Forgot your password?" on the sign-in page.',
  "mail.lockout.wait":
    "If this was you, wait until then and try again. If it was not, your password may be known to someone else: change it as soon as you can sign in.",
  "mail.lockout.waitOrUnlock":
    "If this was you, wait until then and try again, or unlock your account now. If it was not, your password may be known to someone else: change it as soon as you can sign in.",
  "mail.lockout.unlockButton": "Unlock my account",
  "mail.lockout.unlockValidity": "The link works once and for {validFor}.",
  "mail.lockout.unlockText": "To unlock your account, open this link (it works once and for {validFor}):",
  "mail.lockout.approvedKeepWorking":
    "Browsers you already approved for this account (with an emailed sign-in code or your authenticator app) keep working while it is locked.",
} as const;
