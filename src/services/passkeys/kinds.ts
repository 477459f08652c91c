// What a passkey row says about the authenticator, for `amr` (RFC 8176): a key that stays in one piece of
// hardware plugged in or tapped (a security key: usb, nfc, ble, single-device) is `hwk`; a platform passkey
// (this device's, a phone's over hybrid, or synced between devices) is `swk`.
import type { PasskeyRow } from "../../queries/passkeys.ts";

export type KeyKind = "hwk" | "swk";

export function keyKindOf(row: Pick<PasskeyRow, "deviceType" | "attachment" | "transports">): KeyKind {
  if (row.deviceType === "multiDevice" || row.attachment === "platform") return "swk";
  if (row.transports.some((t) => t === "internal" || t === "hybrid")) return "swk";
  return "hwk";
}

/** `amr` of an assertion: the kind of key, and `user` when the authenticator verified the user */
export const amrOf = (row: Pick<PasskeyRow, "deviceType" | "attachment" | "transports">, userVerified: boolean): string[] => [
  keyKindOf(row),
  ...(userVerified ? ["user"] : []),
];
