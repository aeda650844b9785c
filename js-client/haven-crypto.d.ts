// Declarations of haven-crypto.js, the discreet chat's end-to-end encryption on WebCrypto
// (docs/e2e.md). Written by hand over the generated protocol.d.ts; the package's test holds them to
// the module's exports.

import type { DeviceBundle, E2ePrekey, E2ePublicKey, Envelope, EnvelopeAlgorithm, KeysPublishRequest } from './protocol.js';

/** The two suites by name: `x25519` (X25519 + Ed25519) and `p256` (ECDH and ECDSA on P-256). */
export type SuiteName = 'x25519' | 'p256';

/** A suite's wire names and WebCrypto parameters. */
export interface Suite {
  readonly name: SuiteName;
  readonly agreementAlg: 'x25519' | 'p256';
  readonly signingAlg: 'ed25519' | 'p256-ecdsa';
  readonly envelopeAlg: EnvelopeAlgorithm;
  readonly agreement: { name: string; namedCurve?: string };
  readonly signing: { name: string; namedCurve?: string };
  readonly signParams: { name: string; hash?: string };
}

/** Key id of the signed prekey (as the Java library). */
export declare const SIGNED_PREKEY_ID: 1;
/** Key id of the first one-time prekey; the next ones count up from it. */
export declare const FIRST_ONE_TIME_PREKEY_ID: 100;
/** The two suites: wire names and WebCrypto parameters. */
export declare const SUITES: Readonly<Record<SuiteName, Suite>>;

/** A refusal of this module: a bundle or envelope that must not be used. Never carries key or text bytes. */
export declare class E2eError extends Error {
  constructor(message: string);
}

/** Standard base64 of bytes. */
export declare function toBase64(bytes: Uint8Array | ArrayBuffer): string;
/** Bytes of standard base64; throws E2eError when it is not base64. */
export declare function fromBase64(text: string, name?: string): Uint8Array;
/** Lowercase hex of bytes. */
export declare function toHex(bytes: Uint8Array | ArrayBuffer): string;
/** Bytes of hex. */
export declare function fromHex(hex: string): Uint8Array;
/** `"haven-e2e-v1" ‖ senderUser ‖ 0 ‖ senderDevice ‖ 0 ‖ recipientUser ‖ 0 ‖ recipientDevice` (UTF-8). */
export declare function info(senderUser: string, senderDevice: string, recipientUser: string, recipientDevice: string): Uint8Array;
/** HKDF-SHA256 (RFC 5869): `length` bytes from `ikm` with `salt` and `info`. */
export declare function hkdf(salt: Uint8Array, ikm: Uint8Array, infoBytes: Uint8Array, length: number): Promise<Uint8Array>;
/** Whether this WebCrypto has X25519 and Ed25519 (else use `p256`). */
export declare function supportsX25519(): Promise<boolean>;
/** The preferred suite this WebCrypto can use: `x25519` where available, else `p256`. */
export declare function preferredSuite(): Promise<SuiteName>;
/** The fingerprint of an identity key given as base64 X.509: 40 lowercase hex characters. */
export declare function fingerprint(identityKeyBase64: string): Promise<string>;
/** The safety number of two fingerprints: sorted, joined, 16 groups of 5 separated by spaces. */
export declare function safetyNumber(fingerprintA: string, fingerprintB: string): string;

/** The public bundle of a device, without a one-time prekey: what `keys.publish` sends. */
export type PublicBundle = Omit<DeviceBundle, 'oneTimePrekey'>;

/**
 * One device's keys: identity, signing, signed prekey (id 1) and one-time prekeys (ids from 100),
 * each one-time prekey opening at most one message. Private keys are not extractable. Build with
 * generateDeviceKeys (or importDeviceKeys, for test vectors).
 */
export declare class DeviceKeys {
  /** Use generateDeviceKeys. */
  private constructor();
  readonly device: string;
  readonly suite: SuiteName;
  /** The identity key's fingerprint: 40 lowercase hex characters. */
  readonly fingerprint: string;
  /** The identity key as the wire carries it. */
  identityKey(): E2ePublicKey;
  /** The public bundle (no one-time prekey): what keys.publish sends, and what partners fetch. */
  publicBundle(): PublicBundle;
  /** The public halves of the one-time prekeys not yet used, in key id order. */
  oneTimePrekeys(): E2ePrekey[];
  /** The fields of a keys.publish request for these keys (`HavenClient.publishKeys`). */
  publishRequest(): Omit<KeysPublishRequest, 'type' | 'id'>;
}

/**
 * Generates fresh keys for `device` in `suite` with `oneTimePrekeys` one-time prekeys (0..100,
 * default 20).
 */
export declare function generateDeviceKeys(device: string, suite: SuiteName, oneTimePrekeys?: number): Promise<DeviceKeys>;

/**
 * Rebuilds device keys from a public bundle and the PKCS#8 (base64) private keys of its identity
 * key, signed prekey and one-time prekeys. For cross-implementation test vectors; a real device
 * generates its own keys.
 */
export declare function importDeviceKeys(
  suite: SuiteName,
  bundle: PublicBundle,
  privateKeys: {
    identity: string;
    signedPrekey: string;
    oneTimePrekeys?: Record<string, string>;
    oneTimePrekeyPublic?: Record<string, string>;
  },
): Promise<DeviceKeys>;

/**
 * Seals `plaintext` from `sender` (of user `senderUser`) to the device of `recipientBundle` (of
 * user `recipientUser`, as keys.fetch returned it). Returns the envelope for dm.send; rejects with
 * E2eError when the bundle is refused.
 */
export declare function seal(
  sender: DeviceKeys,
  senderUser: string,
  recipientBundle: DeviceBundle,
  recipientUser: string,
  plaintext: string,
): Promise<Envelope>;

/**
 * Opens `envelope`, sealed by the device of `senderBundle` (of user `senderUser`) to `recipient`
 * (of user `recipientUser`); a one-time prekey it names is consumed, so it opens only once.
 * Rejects with E2eError on any refusal.
 */
export declare function open(
  recipient: DeviceKeys,
  recipientUser: string,
  senderBundle: DeviceBundle | PublicBundle,
  senderUser: string,
  envelope: Envelope,
): Promise<string>;
