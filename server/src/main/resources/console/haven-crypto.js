// Haven's discreet chat, end to end, on WebCrypto: the scheme of docs/e2e.md, byte for byte as the
// Java client library implements it (org.haven.client.crypto).
//
//   keys      identity key (agreement), signing key, signed prekey (signature by the signing key over
//             the prekey's X.509 encoding), one-time prekeys. Public keys travel as standard base64 of
//             their X.509 SubjectPublicKeyInfo encoding.
//   suites    "x25519": X25519 + Ed25519, envelopes "x25519-hkdf-sha256-aes256gcm";
//             "p256":   ECDH P-256 + ECDSA P-256/SHA-256 (raw r||s signatures),
//                       envelopes "p256-hkdf-sha256-aes256gcm". Suites never mix.
//   sealing   a fresh ephemeral key per message;
//             ikm  = DH(sender identity, recipient signed prekey) || DH(ephemeral, recipient identity)
//                    || DH(ephemeral, recipient signed prekey) [|| DH(ephemeral, one-time prekey)]
//             info = "haven-e2e-v1" || senderUser || 0x00 || senderDevice || 0x00 || recipientUser
//                    || 0x00 || recipientDevice   (UTF-8)
//             key  = HKDF-SHA256(salt = 32 zero bytes, ikm, info, 32 bytes)
//             ciphertext = AES-256-GCM(key, 12-byte random nonce, text, AAD = info), tag appended.
//   fingerprint  first 40 hex characters of SHA-256 over the identity key's X.509 encoding; the
//             safety number is both fingerprints sorted, joined, in groups of five.
//
// Private keys are generated non-extractable: nothing in this module can export them.

const subtle = globalThis.crypto.subtle;
const LABEL = new TextEncoder().encode('haven-e2e-v1');
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Key id of the signed prekey (as the Java library). */
export const SIGNED_PREKEY_ID = 1;
/** Key id of the first one-time prekey; the next ones count up from it. */
export const FIRST_ONE_TIME_PREKEY_ID = 100;

/** The two suites: wire names and WebCrypto parameters. */
export const SUITES = Object.freeze({
  x25519: Object.freeze({
    name: 'x25519',
    agreementAlg: 'x25519',
    signingAlg: 'ed25519',
    envelopeAlg: 'x25519-hkdf-sha256-aes256gcm',
    agreement: { name: 'X25519' },
    signing: { name: 'Ed25519' },
    signParams: { name: 'Ed25519' },
  }),
  p256: Object.freeze({
    name: 'p256',
    agreementAlg: 'p256',
    signingAlg: 'p256-ecdsa',
    envelopeAlg: 'p256-hkdf-sha256-aes256gcm',
    agreement: { name: 'ECDH', namedCurve: 'P-256' },
    signing: { name: 'ECDSA', namedCurve: 'P-256' },
    signParams: { name: 'ECDSA', hash: 'SHA-256' },
  }),
});

/** A refusal of this module: a bundle or envelope that must not be used. Never carries key or text bytes. */
export class E2eError extends Error {
  constructor(message) {
    super(message);
    this.name = 'E2eError';
  }
}

// ---------------------------------------------------------------------------------------------
// bytes

/** Standard base64 of bytes. */
export function toBase64(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Bytes of standard base64; throws E2eError when it is not base64. */
export function fromBase64(text, name = 'value') {
  if (typeof text !== 'string') throw new E2eError(`${name}: missing`);
  try {
    const s = atob(text);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  } catch {
    throw new E2eError(`${name}: not base64`);
  }
}

/** Lowercase hex of bytes. */
export function toHex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes of hex. */
export function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkName(value, name) {
  if (typeof value !== 'string' || value.length === 0) throw new E2eError(`${name}: empty`);
  // NUL separates the ids in the info string: an id holding one could make two pairs collide.
  if (value.includes('\0')) throw new E2eError(`${name}: contains NUL`);
  return value;
}

/** "haven-e2e-v1" || senderUser || 0 || senderDevice || 0 || recipientUser || 0 || recipientDevice. */
export function info(senderUser, senderDevice, recipientUser, recipientDevice) {
  const zero = new Uint8Array([0]);
  return concat(LABEL, encoder.encode(checkName(senderUser, 'senderUser')), zero,
    encoder.encode(checkName(senderDevice, 'senderDevice')), zero,
    encoder.encode(checkName(recipientUser, 'recipientUser')), zero,
    encoder.encode(checkName(recipientDevice, 'recipientDevice')));
}

// ---------------------------------------------------------------------------------------------
// primitives

/** HKDF-SHA256 (RFC 5869): `length` bytes from `ikm` with `salt` and `info` (all Uint8Array). */
export async function hkdf(salt, ikm, infoBytes, length) {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: infoBytes }, key, length * 8);
  return new Uint8Array(bits);
}

/** Whether this browser's WebCrypto has X25519 and Ed25519 (else use "p256"). */
export async function supportsX25519() {
  try {
    await subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
    await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

/** The preferred suite this browser can use: "x25519" where available, else "p256". */
export async function preferredSuite() {
  return (await supportsX25519()) ? 'x25519' : 'p256';
}

function suiteOf(name) {
  const s = SUITES[name];
  if (!s) throw new E2eError(`unknown suite ${name}`);
  return s;
}

async function newAgreementPair(suite) {
  return subtle.generateKey(suite.agreement, false, ['deriveBits']);
}

async function spki(publicKey) {
  return new Uint8Array(await subtle.exportKey('spki', publicKey));
}

async function importAgreementKey(suite, base64, name) {
  try {
    return await subtle.importKey('spki', fromBase64(base64, name), suite.agreement, true, []);
  } catch (e) {
    if (e instanceof E2eError) throw e;
    throw new E2eError(`${name}: malformed ${suite.name} key`);
  }
}

async function importSigningKey(suite, base64, name) {
  try {
    return await subtle.importKey('spki', fromBase64(base64, name), suite.signing, true, ['verify']);
  } catch (e) {
    if (e instanceof E2eError) throw e;
    throw new E2eError(`${name}: malformed ${suite.name} signing key`);
  }
}

/** The raw shared secret: 32 bytes for both suites (the X25519 u, or the P-256 x coordinate). */
async function agree(suite, privateKey, publicKey) {
  try {
    const params = { name: suite.agreement.name, public: publicKey };
    return new Uint8Array(await subtle.deriveBits(params, privateKey, 256));
  } catch {
    // WebCrypto refuses small-order X25519 points, as the JDK does.
    throw new E2eError('key agreement refused');
  }
}

/** The fingerprint of an identity key given as base64 X.509: 40 lowercase hex characters. */
export async function fingerprint(identityKeyBase64) {
  const hash = await subtle.digest('SHA-256', fromBase64(identityKeyBase64, 'identityKey'));
  return toHex(hash).substring(0, 40);
}

/** The safety number of two fingerprints: sorted, joined, 16 groups of 5 separated by spaces. */
export function safetyNumber(fingerprintA, fingerprintB) {
  for (const [f, n] of [[fingerprintA, 'fingerprintA'], [fingerprintB, 'fingerprintB']]) {
    if (!/^[0-9a-f]{40}$/.test(f)) throw new E2eError(`${n}: expected 40 lowercase hex characters`);
  }
  const joined = fingerprintA <= fingerprintB ? fingerprintA + fingerprintB : fingerprintB + fingerprintA;
  return joined.match(/.{5}/g).join(' ');
}

// ---------------------------------------------------------------------------------------------
// device keys

/**
 * One device's keys: identity, signing, signed prekey (id 1) and one-time prekeys (ids from 100),
 * each one-time prekey opening at most one message. Build with generateDeviceKeys (or
 * importDeviceKeys, for test vectors); publish publicBundle() and oneTimePrekeys() with keys.publish.
 */
export class DeviceKeys {
  /** @private use generateDeviceKeys */
  constructor(device, suite, parts) {
    this.device = device;
    this.suite = suite.name;
    this._suite = suite;
    this._identity = parts.identity; // {privateKey, publicKey: base64}
    this._signingPublic = parts.signingPublic; // base64
    this._signedPrekey = parts.signedPrekey; // {privateKey, publicKey: base64, signature: base64}
    this._oneTime = parts.oneTime; // Map<id, {privateKey, publicKey: base64}>
    this.fingerprint = parts.fingerprint;
    Object.freeze(this);
  }

  /** The identity key as the wire carries it: {alg, key}. */
  identityKey() {
    return { alg: this._suite.agreementAlg, key: this._identity.publicKey };
  }

  /** The public bundle (no one-time prekey): what keys.publish sends, and what partners fetch. */
  publicBundle() {
    return {
      device: this.device,
      identityKey: this.identityKey(),
      signingKey: { alg: this._suite.signingAlg, key: this._signingPublic },
      signedPrekey: { keyId: SIGNED_PREKEY_ID, key: this._signedPrekey.publicKey, signature: this._signedPrekey.signature },
      fingerprint: this.fingerprint,
    };
  }

  /** The public halves of the one-time prekeys not yet used, in key id order: [{keyId, key}]. */
  oneTimePrekeys() {
    return [...this._oneTime.entries()].sort((a, b) => a[0] - b[0]).map(([keyId, k]) => ({ keyId, key: k.publicKey }));
  }

  /** The fields of a keys.publish request for these keys. */
  publishRequest() {
    const b = this.publicBundle();
    return { device: b.device, identityKey: b.identityKey, signingKey: b.signingKey, signedPrekey: b.signedPrekey,
      oneTimePrekeys: this.oneTimePrekeys() };
  }
}

/**
 * Generates fresh keys for `device` in `suite` ("x25519" or "p256") with `oneTimePrekeys` one-time
 * prekeys (0..100). Private keys are not extractable.
 */
export async function generateDeviceKeys(device, suiteName, oneTimePrekeys = 20) {
  checkName(device, 'device');
  const suite = suiteOf(suiteName);
  if (!Number.isInteger(oneTimePrekeys) || oneTimePrekeys < 0 || oneTimePrekeys > 100) {
    throw new RangeError(`oneTimePrekeys: ${oneTimePrekeys} (expected: 0..100)`);
  }
  const identity = await newAgreementPair(suite);
  const signing = await subtle.generateKey(suite.signing, false, ['sign', 'verify']);
  const prekey = await newAgreementPair(suite);
  const prekeyBytes = await spki(prekey.publicKey);
  const signature = new Uint8Array(await subtle.sign(suite.signParams, signing.privateKey, prekeyBytes));
  const oneTime = new Map();
  for (let i = 0; i < oneTimePrekeys; i++) {
    const pair = await newAgreementPair(suite);
    oneTime.set(FIRST_ONE_TIME_PREKEY_ID + i, { privateKey: pair.privateKey, publicKey: toBase64(await spki(pair.publicKey)) });
  }
  const identityPublic = toBase64(await spki(identity.publicKey));
  return new DeviceKeys(device, suite, {
    identity: { privateKey: identity.privateKey, publicKey: identityPublic },
    signingPublic: toBase64(await spki(signing.publicKey)),
    signedPrekey: { privateKey: prekey.privateKey, publicKey: toBase64(prekeyBytes), signature: toBase64(signature) },
    oneTime,
    fingerprint: await fingerprint(identityPublic),
  });
}

/**
 * Rebuilds device keys from a public bundle and the PKCS#8 (base64) private keys of its identity
 * key, signed prekey and one-time prekeys ({keyId: pkcs8}). For cross-implementation test vectors;
 * a real device generates its own keys.
 */
export async function importDeviceKeys(suiteName, bundle, privateKeys) {
  const suite = suiteOf(suiteName);
  const importPrivate = (b64, name) => subtle.importKey('pkcs8', fromBase64(b64, name), suite.agreement, false, ['deriveBits']);
  const oneTime = new Map();
  for (const [id, pkcs8] of Object.entries(privateKeys.oneTimePrekeys || {})) {
    const pub = (privateKeys.oneTimePrekeyPublic || {})[id];
    oneTime.set(Number(id), { privateKey: await importPrivate(pkcs8, `oneTimePrekey ${id}`), publicKey: pub });
  }
  return new DeviceKeys(bundle.device, suite, {
    identity: { privateKey: await importPrivate(privateKeys.identity, 'identity'), publicKey: bundle.identityKey.key },
    signingPublic: bundle.signingKey.key,
    signedPrekey: { privateKey: await importPrivate(privateKeys.signedPrekey, 'signedPrekey'),
      publicKey: bundle.signedPrekey.key, signature: bundle.signedPrekey.signature },
    oneTime,
    fingerprint: await fingerprint(bundle.identityKey.key),
  });
}

// ---------------------------------------------------------------------------------------------
// bundles

/** The identity key of a bundle of `suite` whose fingerprint, if present, matches it. */
async function identityOf(suite, bundle) {
  if (!bundle || !bundle.device) throw new E2eError('bundle: device missing');
  const id = bundle.identityKey;
  if (!id || id.alg !== suite.agreementAlg) throw new E2eError(`bundle identity key: missing or not ${suite.agreementAlg}`);
  if (bundle.fingerprint != null && bundle.fingerprint !== (await fingerprint(id.key))) {
    throw new E2eError('bundle fingerprint does not match its identity key');
  }
  return importAgreementKey(suite, id.key, 'identityKey');
}

/** A recipient's keys, once its signed prekey's signature verifies under its signing key. */
async function forSealing(suite, bundle) {
  const identity = await identityOf(suite, bundle);
  if (!bundle.signingKey || bundle.signingKey.alg !== suite.signingAlg) {
    throw new E2eError(`recipient signing key: missing or not ${suite.signingAlg}`);
  }
  const spk = bundle.signedPrekey;
  if (!spk || spk.signature == null) throw new E2eError('recipient signed prekey: missing or unsigned');
  const signingKey = await importSigningKey(suite, bundle.signingKey.key, 'signingKey');
  const signedPrekey = await importAgreementKey(suite, spk.key, 'signedPrekey');
  let valid = false;
  try {
    valid = await subtle.verify(suite.signParams, signingKey, fromBase64(spk.signature, 'signature'), fromBase64(spk.key, 'signedPrekey'));
  } catch {
    valid = false;
  }
  if (!valid) throw new E2eError('recipient signed prekey: signature does not verify');
  const oneTimePrekey = bundle.oneTimePrekey ? await importAgreementKey(suite, bundle.oneTimePrekey.key, 'oneTimePrekey') : null;
  return { identity, signedPrekey, oneTimePrekey };
}

// ---------------------------------------------------------------------------------------------
// seal and open

async function gcmKey(ikm, infoBytes, usage) {
  const raw = await hkdf(new Uint8Array(32), ikm, infoBytes, 32);
  ikm.fill(0);
  try {
    return await subtle.importKey('raw', raw, 'AES-GCM', false, [usage]);
  } finally {
    raw.fill(0);
  }
}

/**
 * Seals `plaintext` from `sender` (DeviceKeys of user `senderUser`) to the device of `recipientBundle`
 * (of user `recipientUser`, as keys.fetch returned it, with its one-time prekey if it has one).
 * Returns the envelope for dm.send. Throws E2eError if the bundle is refused.
 */
export async function seal(sender, senderUser, recipientBundle, recipientUser, plaintext) {
  const suite = sender._suite;
  const to = await forSealing(suite, recipientBundle);
  const eph = await newAgreementPair(suite);
  const parts = [
    await agree(suite, sender._identity.privateKey, to.signedPrekey),
    await agree(suite, eph.privateKey, to.identity),
    await agree(suite, eph.privateKey, to.signedPrekey),
  ];
  if (to.oneTimePrekey) parts.push(await agree(suite, eph.privateKey, to.oneTimePrekey));
  const infoBytes = info(senderUser, sender.device, recipientUser, recipientBundle.device);
  const key = await gcmKey(concat(...parts), infoBytes, 'encrypt');
  parts.forEach((p) => p.fill(0));
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: infoBytes, tagLength: 128 },
    key, encoder.encode(plaintext)));
  const envelope = {
    device: recipientBundle.device,
    senderDevice: sender.device,
    algorithm: suite.envelopeAlg,
    ephemeralKey: toBase64(await spki(eph.publicKey)),
    nonce: toBase64(nonce),
    ciphertext: toBase64(ciphertext),
  };
  if (recipientBundle.oneTimePrekey) envelope.oneTimePrekeyId = recipientBundle.oneTimePrekey.keyId;
  return envelope;
}

/**
 * Opens `envelope`, sealed by the device of `senderBundle` (of user `senderUser`) to `recipient`
 * (DeviceKeys of user `recipientUser`). A one-time prekey it names is consumed once the text
 * authenticates, so the envelope opens only once. Throws E2eError on any refusal.
 */
export async function open(recipient, recipientUser, senderBundle, senderUser, envelope) {
  const suite = recipient._suite;
  if (!envelope || envelope.algorithm !== suite.envelopeAlg) {
    throw new E2eError(`envelope algorithm is not ${suite.envelopeAlg}`);
  }
  if (envelope.device !== recipient.device || !senderBundle || envelope.senderDevice !== senderBundle.device) {
    throw new E2eError('envelope is not from this sender device to this device');
  }
  const senderIdentity = await identityOf(suite, senderBundle);
  const ephemeral = await importAgreementKey(suite, envelope.ephemeralKey, 'ephemeralKey');
  const otpkId = envelope.oneTimePrekeyId;
  const otpk = otpkId == null ? null : recipient._oneTime.get(otpkId);
  if (otpkId != null && !otpk) throw new E2eError(`one-time prekey ${otpkId} is unknown or already used`);
  const spk = recipient._signedPrekey.privateKey;
  const parts = [
    await agree(suite, spk, senderIdentity),
    await agree(suite, recipient._identity.privateKey, ephemeral),
    await agree(suite, spk, ephemeral),
  ];
  if (otpk) parts.push(await agree(suite, otpk.privateKey, ephemeral));
  const infoBytes = info(senderUser, senderBundle.device, recipientUser, recipient.device);
  const key = await gcmKey(concat(...parts), infoBytes, 'decrypt');
  parts.forEach((p) => p.fill(0));
  let plain;
  try {
    plain = await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(envelope.nonce, 'nonce'), additionalData: infoBytes, tagLength: 128 },
      key, fromBase64(envelope.ciphertext, 'ciphertext'));
  } catch (e) {
    if (e instanceof E2eError) throw e;
    throw new E2eError('cannot open: authentication failed');
  }
  // Consumed only once authenticated, so a forged envelope cannot burn the key.
  if (otpk && !recipient._oneTime.delete(otpkId)) throw new E2eError(`one-time prekey ${otpkId} is unknown or already used`);
  return decoder.decode(plain);
}
