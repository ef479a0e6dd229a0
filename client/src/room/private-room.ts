/**
 * Private rooms: the secret lives only in the link's fragment. The room id the server sees and the
 * key peers prove themselves with are both derived from it (HKDF-SHA256), so the signaling server
 * learns neither the secret nor anything that lets it pass as a member.
 */
import { base64url } from '../net';

const encoder = new TextEncoder();
const SECRET_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/** A fresh secret: 128 random bits, URL-safe. */
export function newRoomSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The secret in a link's fragment (`#secret`), if it holds one. */
export function secretFromHash(hash: string): string | undefined {
  const secret = hash.replace(/^#/, '');
  return SECRET_PATTERN.test(secret) ? secret : undefined;
}

async function hkdf(secret: string, info: string, bits: number): Promise<Uint8Array<ArrayBuffer>> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
  const derived = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('meshchat private room v1'), info: encoder.encode(info) },
    material,
    bits,
  );
  return new Uint8Array(derived);
}

/** What a private room is known as to the server: `p-` and 128 bits derived from the secret. */
export async function privateRoomId(secret: string): Promise<string> {
  return `p-${base64url(await hkdf(secret, 'room id', 128))}`;
}

/** The key both members of a private room hold, and a server in the middle does not. */
export async function proofKey(secret: string): Promise<CryptoKey> {
  const bits = await hkdf(secret, 'link proof', 256);
  return crypto.subtle.importKey('raw', bits, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The key what this browser keeps of a private room is sealed under (AES-GCM): without the link, it cannot be read. */
export async function keptKey(secret: string): Promise<CryptoKey> {
  const bits = await hkdf(secret, 'kept on this device', 256);
  return crypto.subtle.importKey('raw', bits, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** The key a private room's members hash their nicknames under, into the ids the server seats them by. */
export async function memberIdKey(secret: string): Promise<CryptoKey> {
  const bits = await hkdf(secret, 'member id', 256);
  return crypto.subtle.importKey('raw', bits, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/**
 * How `nick` is known to the server in a private room: `~` and the keyed hash (HMAC-SHA256) of its
 * confusable skeleton, so "ANA", "ana" and look-alikes have one id and still clash, while the server,
 * without the room's secret, cannot tell which name an id stands for. The skeleton's tables load
 * with the first id made.
 */
export async function memberId(key: CryptoKey, nick: string): Promise<string> {
  const { nickSkeleton } = await import('@meshchat/protocol/skeleton');
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`meshchat member id v1\n${nickSkeleton(nick)}`));
  return `~${base64url(new Uint8Array(mac))}`;
}

/**
 * The proof a peer sends over a new link: HMAC over the sender's and the receiver's DTLS
 * fingerprints, in that order. A man in the middle terminates DTLS with certificates of its own,
 * so each side sees a different remote fingerprint and it cannot make a proof that matches. The
 * order matters: were both directions equal, it could reflect a peer's own proof back to it.
 */
export async function linkProof(key: CryptoKey, senderFingerprint: string, receiverFingerprint: string): Promise<string> {
  const message = encoder.encode(`meshchat link proof v1\n${senderFingerprint}\n${receiverFingerprint}`);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, message)));
}

/** Check a proof received on a link: the remote peer is the sender, we are the receiver. */
export async function verifyLinkProof(key: CryptoKey, proof: string, local: string, remote: string): Promise<boolean> {
  const expected = await linkProof(key, remote, local);
  // Both are HMAC outputs of equal length; compare without an early exit.
  let difference = proof.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= (proof.charCodeAt(i) || 0) ^ expected.charCodeAt(i);
  return difference === 0;
}

/**
 * A short code from both ends of a link (each end's DTLS fingerprint and signing key), the same on
 * both ends, for people to compare out of band: two groups of five digits.
 */
export async function safetyCode(fingerprintA: string, fingerprintB: string): Promise<string> {
  const [first, second] = [fingerprintA, fingerprintB].sort();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`meshchat safety v1\n${first}\n${second}`)));
  const number = digest.slice(0, 5).reduce((sum, byte) => sum * 256 + byte, 0) % 1e10;
  const digits = String(number).padStart(10, '0');
  return `${digits.slice(0, 5)} ${digits.slice(5)}`;
}
