// English: the later steps of a sign-in (new device code, forced two-factor setup, held sign-ins and their emailed
// links, one session at a time, the team, the emailed sign-in link, linking a provider, the SAML hand-over) and the
// refusals of the login flow (http/routes/interaction/messages.ts). Spread into en.ts.
export const enSignIn = {
  "signin.checkEmail": "Check your email",
  "signin.signingInTo": "Signing in to {client}",
  "signin.signingIn": "Signing in",
  "signin.oneMoreStep": "One more step to sign in",
  "signin.startOver": "Start over",
  "signin.startOverOther": "Start over with a different account",
  "signin.continue": "Continue",
  "signin.verify": "Verify",
  "signin.linkInvalid": "This link is no longer valid",

  "signin.device.fromNewDeviceTo": "Signing in to {client} from a new device",
  "signin.device.fromNewDevice": "Signing in from a new device",
  "signin.device.accountLocked":
    "Too many wrong codes were entered for this account, so for now we send no codes and accept none. Try again later, or sign in from a device you have used before.",
  "signin.device.locked": "No code was entered correctly, so this sign-in cannot go on. You can start again: we will email you a new code.",
  "signin.device.emailed": "We emailed a code to {email}. Enter it to confirm that this device is yours; we will remember it next time.",
  "signin.device.codeLabel": "Code from the email",
  "signin.device.codeHint.one": "The 6-digit code works for {minutes} minute.",
  "signin.device.codeHint.other": "The 6-digit code works for {minutes} minutes.",
  "signin.device.resend": "Send a new code",
  "signin.device.resendIn.one": "You can ask for a new code in {seconds} second. Reload this page to check.",
  "signin.device.resendIn.other": "You can ask for a new code in {seconds} seconds. Reload this page to check.",
  "signin.device.resent": "We sent you a new code. The old one no longer works.",

  "signin.enrol.title": "Set up two-factor authentication",
  "signin.enrol.on":
    "Two-factor authentication is on. Keep these backup codes somewhere safe: each works once if you lose your device. They are shown only now.",
  "signin.enrol.required":
    "Your organisation requires a second factor for your account. Set up an authenticator app now to finish signing in.",
  "signin.enrol.qr": "QR code to add this account to an authenticator app",
  "signin.enrol.cantScan": "Can't scan it? Enter this key in the app instead (time-based, 6 digits):",
  "signin.enrol.codeLabel": "Code from the app",
  "signin.enrol.submit": "Turn on and continue",
  "signin.enrol.codeFormat": "Enter the 6-digit code from your authenticator app",
  "signin.enrol.already": "Two-factor authentication is already on for this sign-in.",

  "signin.hold.unusual": "This sign-in looks unusual, so we sent a message to {email} to confirm it.",
  "signin.hold.openEmail": "Open the email and choose {approve}. This page goes on by itself once you have; you can leave it open.",
  "signin.hold.approveWord": "Approve",
  "signin.hold.waiting.one": "Waiting for your approval. The links work for about {minutes} minute.",
  "signin.hold.waiting.other": "Waiting for your approval. The links work for about {minutes} minutes.",
  "signin.hold.blockedTitle": "This sign-in was blocked",
  "signin.hold.blockedBody": "Someone used the link in the email to say this sign-in was not them, so it did not go through.",
  "signin.hold.blockedReset": "If it was not you, someone else knows your password: reset it now so they cannot try again.",
  "signin.hold.approveTitle": "Approve this sign-in?",
  "signin.hold.blockTitle": "Block this sign-in?",
  "signin.hold.someone": "Someone signed in to {app} with your password",
  "signin.hold.when": "When",
  "signin.hold.from": "From",
  "signin.hold.approximately": "{location} (approximately), {ip}",
  "signin.hold.browser": "Browser",
  "signin.hold.why": "Why we asked",
  "signin.hold.approveBody": "If this was you, approve it and the sign-in goes on in the browser that is waiting.",
  "signin.hold.approveButton": "Yes, it was me: approve",
  "signin.hold.blockBody": "If this was not you, block it: the sign-in stops, and you should reset your password.",
  "signin.hold.blockButton": "It was not me: block it",
  "signin.hold.approvedTitle": "Sign-in approved",
  "signin.hold.approvedBody": "The browser that was waiting goes on with the sign-in by itself. You can close this page.",
  "signin.hold.blockedShort": "Sign-in blocked",
  "signin.hold.blockedDone": "The sign-in did not go through. Whoever tried it knows your password: reset it now.",
  "signin.hold.invalidExpired": "This link has expired. Nothing was changed.",
  "signin.hold.invalidUsed": "This link was already used, or its other link was. Nothing was changed.",
  "signin.hold.invalidBody":
    "Approve and block links work once, for a few minutes. If you are trying to sign in, start again: a new email will come if it is needed.",
  "signin.hold.invalidNotYou": "If you did not try to sign in, reset your password.",

  "signin.single.title": "You are signed in elsewhere",
  "signin.single.body": "Your account may be signed in in one place at a time. It is signed in here:",
  "signin.single.browserOn": "{browser} on {os}",
  "signin.single.times": "Started {started} · last active {lastActive}",
  "signin.single.hint": "Signing the other session out also signs out the applications it signed in to.",
  "signin.single.continue": "Sign the other session out and continue",
  "signin.single.cancel": "Cancel",

  "signin.team.title": "Choose a team",
  "signin.team.requested": "The application asked for the team “{team}”, which is not one of your teams.",
  "signin.team.chooseOrBack": "Choose one of yours to continue, or go back to the application.",
  "signin.team.yours": "Your teams",
  "signin.team.hint":
    "The application gets your role and permissions in this team. To use another team later, choose it from the application.",
  "signin.team.none": "You are not a member of any team yet.",
  "signin.team.withoutTeam": "Continue without a team",

  "signin.magic.sent":
    "If an account uses {email}, we sent it a sign-in link. It works once, for 10 minutes. Open it in this browser to sign in.",
  "signin.magic.elsewhere": "Opened on another device, the link shows a 6-digit code instead: type it here.",
  "signin.magic.codeLabel": "Code from the link",
  "signin.magic.yourAddress": "your address",
  "signin.magic.submit": "Sign in with the code",
  "signin.magic.codeFormat": "Enter the 6-digit code the link showed",
  "signin.magic.openTitle": "Sign in with your link",
  "signin.magic.openBody":
    "Continue to sign in. In the browser where you asked for the link, this signs you in; anywhere else, it shows a code to type there.",
  "signin.magic.codePageTitle": "Your sign-in code",
  "signin.magic.codeTitle": "Type this code where you asked for the link",
  "signin.magic.codeBody":
    "This link was opened in a different browser or device from the one that asked for it, so it does not sign this one in. In the browser where you asked, enter:",
  "signin.magic.yourCode": "Your code:",
  "signin.magic.codeWorks": "The code works once, for {minutes} minutes.",
  "signin.magic.codeHint": "If you did not ask for a sign-in link, close this page and never tell anyone this code.",
  "signin.magic.invalidTitle": "This sign-in link is no longer valid",
  "signin.magic.invalidBody":
    "It was used already, replaced by a newer link, or has expired. Go back to the application and ask for a new link on the sign-in page.",

  "signin.link.pageTitle": "Link {provider}",
  "signin.link.title": "Link {provider} to your account",
  "signin.link.subtitle":
    "An account with {email} already exists. Enter its password to link {provider} to it; after that you can sign in with either.",
  "signin.link.password": "Password of {email}",
  "signin.link.submit": "Link and sign in",
  "signin.link.passkey": "Link with a passkey of this account",
  "signin.link.cancel": "Cancel and sign in another way",
  "signin.saml.title": "Signing in with {provider}",
  "signin.saml.answered": "{provider} has answered. Continue to finish signing in.",

  "refusal.unverified":
    "Please verify your email address before signing in. Check your inbox for the verification link, or ask for a new one.",
  "refusal.busy": "Too many sign-ins are in progress right now. Please try again in a moment.",
  "refusal.startAgain": "This sign-in step has expired. Start again and enter your password.",
  "refusal.teamRequired": "Choose one of your teams.",
  "refusal.deviceWrongCode.one": "That code is not right. {count} attempt left.",
  "refusal.deviceWrongCode.other": "That code is not right. {count} attempts left.",
  "refusal.deviceCodeExpired": "This code has expired. Send a new code.",
  "refusal.deviceAttemptsUsed":
    "Too many wrong codes. For your security this sign-in was stopped: start over and enter your password again.",
  "refusal.accountLocked": "Too many wrong codes for this account; try again later or sign in from a device you have used before.",
  "refusal.deviceCooldown.one": "Please wait {count} second before asking for a new code.",
  "refusal.deviceCooldown.other": "Please wait {count} seconds before asking for a new code.",
  "refusal.deviceEmailLimited": "Too many device approval emails. Please try again later.",
  "refusal.deviceCodeFormat": "Enter the 6-digit code from the email.",
  "refusal.magicLinkInvalid":
    "This sign-in link is no longer valid: it was used, replaced by a newer one, or has expired. Ask for a new one on the sign-in page.",
  "refusal.magicCodeInvalid": "That code is not right, or no longer valid. Ask for a new sign-in link if it keeps failing.",
  "refusal.upstreamFailed":
    "Signing in through that provider did not work: its answer could not be accepted. Start again, or use another way to sign in.",
  "refusal.upstreamCancelled":
    "Signing in through that provider was cancelled there, so you are not signed in. Start again, or use another way to sign in.",
  "refusal.upstreamUnavailable": "That sign-in provider did not answer in time. Try again in a moment, or use another way to sign in.",
  "refusal.upstreamNoEmail":
    "That sign-in provider did not share your email address, so no account could be made. Allow sharing your email there, or use another way to sign in.",
  "refusal.upstreamEmailTaken":
    "An account with that email address already exists, and the provider has not verified the address. Sign in with your password or passkey instead.",
  "refusal.ssoRequired": "Your organization requires single sign-on for this address: use \u201cContinue with single sign-on\u201d.",
  "refusal.upstreamLinkRequired":
    "An account with that email address already exists. Sign in with your password or passkey first; then you can link the provider to your account.",
} as const;
