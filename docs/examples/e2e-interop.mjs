// Haven's discreet chat, end to end, in Node.js with node:crypto alone (no npm packages): a
// reference implementation of docs/e2e.md written from that document, for third parties to read
// next to it. Node 20 or newer.
//
//   node docs/examples/e2e-interop.mjs vectors docs/vectors/e2e-scheme-vectors.json
//       opens the published conformance vectors step by step and checks every intermediate value
//       (info bytes, fingerprints, signatures, DH outputs, message key, text); exit 0 when all pass.
//   node docs/examples/e2e-interop.mjs peer
//       an interoperability peer: one JSON request per line on stdin, one JSON answer per line on
//       stdout (the Java library's NodeInteropTest drives it):
//         {"op":"generate","suite":"x25519"|"p256","device":"d1","oneTimePrekeys":2}
//             -> {"ok":true,"publish":{…the fields of keys.publish…},"bundle":{…as keys.fetch returns it…}}
//         {"op":"seal","device":"d1","senderUser":"u1","recipient":<bundle>,"recipientUser":"u2","text":"…"}
//             -> {"ok":true,"envelope":{…one envelope of dm.send…}}
//         {"op":"open","device":"d1","recipientUser":"u1","sender":<bundle>,"senderUser":"u2","envelope":{…}}
//             -> {"ok":true,"text":"…"}
//         {"op":"safetyNumber","a":"<fingerprint>","b":"<fingerprint>"} -> {"ok":true,"safetyNumber":"…"}
//       A refusal answers {"ok":false,"error":"…"}.
//
// Private keys stay in this process; nothing here logs key or text bytes.

import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// the scheme's constants (docs/e2e.md, "Suites" and "Sealing")

/** The two suites. Both ends of a message use the same one; they never mix. */
export const SUITES = Object.freeze({
  x25519: Object.freeze({
    name: 'x25519',
    agreementAlg: 'x25519', // identity key, prekeys, ephemeral key
    signingAlg: 'ed25519', // signing key
    envelopeAlg: 'x25519-hkdf-sha256-aes256gcm',
    agreementType: 'x25519', // node:crypto key types
    signingType: 'ed25519',
  }),
  p256: Object.freeze({
    name: 'p256',
    agreementAlg: 'p256',
    signingAlg: 'p256-ecdsa',
    envelopeAlg: 'p256-hkdf-sha256-aes256gcm',
    agreementType: 'ec',
    signingType: 'ec',
  }),
});

const LABEL = Buffer.from('haven-e2e-v1', 'utf8'); // 12 bytes, no terminator
const SALT = Buffer.alloc(32); // 32 zero bytes
const KEY_BYTES = 32; // AES-256
const NONCE_BYTES = 12;
const TAG_BYTES = 16; // appended to the ciphertext
const SIGNED_PREKEY_ID = 1; // the key ids are the device's choice; these match the Java library
const FIRST_ONE_TIME_PREKEY_ID = 100;
const MAX_CIPHERTEXT_CHARS = 16 * 1024; // base64 characters

/** A refusal: a bundle or envelope that must not be used. Never carries key or text bytes. */
export class E2eError extends Error {
  constructor(message) {
    super(message);
    this.name = 'E2eError';
  }
}

// ---------------------------------------------------------------------------------------------
// bytes

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard base64 (RFC 4648 section 4, with padding) of bytes. */
export function toBase64(bytes) {
  return Buffer.from(bytes).toString('base64');
}

/** Bytes of standard base64; anything else (URL-safe alphabet, spaces, line breaks) is refused. */
export function fromBase64(text, name) {
  if (typeof text !== 'string' || !BASE64.test(text) || text.length % 4 === 1) {
    throw new E2eError(`${name}: not standard base64`);
  }
  return Buffer.from(text, 'base64');
}

function checkId(value, name) {
  if (typeof value !== 'string' || value.length === 0) throw new E2eError(`${name}: empty`);
  // NUL separates the ids in the info bytes: an id holding one could make two pairs collide.
  if (value.includes('\0')) throw new E2eError(`${name}: contains NUL`);
  return value;
}

/** "haven-e2e-v1" ‖ senderUser ‖ 0x00 ‖ senderDevice ‖ 0x00 ‖ recipientUser ‖ 0x00 ‖ recipientDevice, UTF-8. */
export function info(senderUser, senderDevice, recipientUser, recipientDevice) {
  const zero = Buffer.from([0]);
  return Buffer.concat([
    LABEL,
    Buffer.from(checkId(senderUser, 'senderUser'), 'utf8'), zero,
    Buffer.from(checkId(senderDevice, 'senderDevice'), 'utf8'), zero,
    Buffer.from(checkId(recipientUser, 'recipientUser'), 'utf8'), zero,
    Buffer.from(checkId(recipientDevice, 'recipientDevice'), 'utf8'),
  ]);
}

// ---------------------------------------------------------------------------------------------
// keys: X.509 SubjectPublicKeyInfo (DER) on the wire, PKCS#8 (DER) for private keys in vectors

function suiteOf(name) {
  const suite = SUITES[name];
  if (!suite) throw new E2eError(`unknown suite ${name}`);
  return suite;
}

/** The SubjectPublicKeyInfo DER bytes of a public KeyObject. */
function spki(publicKey) {
  return publicKey.export({ type: 'spki', format: 'der' });
}

function isOfSuite(key, type) {
  if (key.asymmetricKeyType !== type) return false;
  return type !== 'ec' || key.asymmetricKeyDetails.namedCurve === 'prime256v1';
}

function importPublic(suite, base64, name, signing = false) {
  const type = signing ? suite.signingType : suite.agreementType;
  let key;
  try {
    key = crypto.createPublicKey({ key: fromBase64(base64, name), format: 'der', type: 'spki' });
  } catch (e) {
    if (e instanceof E2eError) throw e;
    throw new E2eError(`${name}: malformed ${suite.name} key`);
  }
  if (!isOfSuite(key, type)) throw new E2eError(`${name}: not a ${suite.name} key`);
  return key;
}

function importPrivate(suite, base64, name) {
  try {
    const key = crypto.createPrivateKey({ key: fromBase64(base64, name), format: 'der', type: 'pkcs8' });
    if (!isOfSuite(key, suite.agreementType)) throw new Error('other type');
    return key;
  } catch (e) {
    if (e instanceof E2eError) throw e;
    throw new E2eError(`${name}: malformed ${suite.name} private key`);
  }
}

function newAgreementPair(suite) {
  return suite.name === 'x25519'
    ? crypto.generateKeyPairSync('x25519')
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function newSigningPair(suite) {
  return suite.name === 'x25519'
    ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Ed25519 (64 bytes), or ECDSA P-256 with SHA-256 as IEEE P1363 r ‖ s (64 bytes), never DER. */
function sign(suite, privateKey, data) {
  return suite.name === 'x25519'
    ? crypto.sign(null, data, privateKey)
    : crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
}

function verify(suite, publicKey, data, signature) {
  if (signature.length !== 64) return false;
  try {
    return suite.name === 'x25519'
      ? crypto.verify(null, data, publicKey, signature)
      : crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/**
 * The raw shared secret, 32 bytes: the X25519 output (RFC 7748), or the x coordinate of the P-256
 * ECDH point (SEC 1, big-endian), unhashed. An all-zero X25519 output (a small-order point) is refused.
 */
function agree(privateKey, publicKey) {
  let secret;
  try {
    secret = crypto.diffieHellman({ privateKey, publicKey });
  } catch {
    throw new E2eError('key agreement refused');
  }
  if (secret.length !== 32 || secret.every((b) => b === 0)) throw new E2eError('key agreement refused');
  return secret;
}

// ---------------------------------------------------------------------------------------------
// fingerprints and safety numbers

/** The first 40 lowercase hex characters of SHA-256 over the identity key's SPKI bytes. */
export function fingerprint(identityKeyBase64) {
  return crypto.createHash('sha256').update(fromBase64(identityKeyBase64, 'identityKey')).digest('hex').slice(0, 40);
}

/** Both fingerprints sorted, joined, and cut into 16 groups of 5 separated by single spaces. */
export function safetyNumber(a, b) {
  for (const [f, n] of [[a, 'a'], [b, 'b']]) {
    if (!/^[0-9a-f]{40}$/.test(f)) throw new E2eError(`${n}: expected 40 lowercase hex characters`);
  }
  return (a <= b ? a + b : b + a).match(/.{5}/g).join(' ');
}

// ---------------------------------------------------------------------------------------------
// a device's keys

/** Generates a device's keys: identity, signing, signed prekey (signed over its SPKI bytes), one-time prekeys. */
export function generateDeviceKeys(device, suiteName, oneTimePrekeys = 0) {
  checkId(device, 'device');
  const suite = suiteOf(suiteName);
  if (!Number.isInteger(oneTimePrekeys) || oneTimePrekeys < 0 || oneTimePrekeys > 100) {
    throw new RangeError(`oneTimePrekeys: ${oneTimePrekeys} (expected: 0..100)`);
  }
  const signing = newSigningPair(suite);
  const prekey = newAgreementPair(suite);
  const oneTime = new Map();
  for (let i = 0; i < oneTimePrekeys; i++) oneTime.set(FIRST_ONE_TIME_PREKEY_ID + i, newAgreementPair(suite));
  return {
    device,
    suite,
    identity: newAgreementPair(suite),
    signingPublic: signing.publicKey,
    signedPrekey: prekey,
    signedPrekeySignature: sign(suite, signing.privateKey, spki(prekey.publicKey)),
    oneTime, // keyId -> {privateKey, publicKey}; a key is deleted once it opened a message
  };
}

/** The device's bundle as keys.fetch returns it, without a one-time prekey. */
export function publicBundle(keys) {
  const identityKey = toBase64(spki(keys.identity.publicKey));
  return {
    device: keys.device,
    identityKey: { alg: keys.suite.agreementAlg, key: identityKey },
    signingKey: { alg: keys.suite.signingAlg, key: toBase64(spki(keys.signingPublic)) },
    signedPrekey: {
      keyId: SIGNED_PREKEY_ID,
      key: toBase64(spki(keys.signedPrekey.publicKey)),
      signature: toBase64(keys.signedPrekeySignature),
    },
    fingerprint: fingerprint(identityKey),
  };
}

/** The fields of a keys.publish request for these keys. */
export function publishRequest(keys) {
  const { device, identityKey, signingKey, signedPrekey } = publicBundle(keys);
  const oneTimePrekeys = [...keys.oneTime.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([keyId, pair]) => ({ keyId, key: toBase64(spki(pair.publicKey)) }));
  return { device, identityKey, signingKey, signedPrekey, oneTimePrekeys };
}

// ---------------------------------------------------------------------------------------------
// bundles: what must hold before a partner's keys are used

/** The identity key of a bundle of `suite` whose fingerprint, when present, matches it. */
function identityOf(suite, bundle) {
  if (!bundle || typeof bundle.device !== 'string' || bundle.device === '') throw new E2eError('bundle: device missing');
  const id = bundle.identityKey;
  if (!id || id.alg !== suite.agreementAlg) throw new E2eError(`bundle identity key: missing or not ${suite.agreementAlg}`);
  if (bundle.fingerprint != null && bundle.fingerprint !== fingerprint(id.key)) {
    throw new E2eError('bundle fingerprint does not match its identity key');
  }
  return importPublic(suite, id.key, 'identityKey');
}

/** A recipient's agreement keys, once its signed prekey's signature verifies under its signing key. */
function forSealing(suite, bundle) {
  const identity = identityOf(suite, bundle);
  if (!bundle.signingKey || bundle.signingKey.alg !== suite.signingAlg) {
    throw new E2eError(`recipient signing key: missing or not ${suite.signingAlg}`);
  }
  const spk = bundle.signedPrekey;
  if (!spk || spk.signature == null) throw new E2eError('recipient signed prekey: missing or unsigned');
  const signingKey = importPublic(suite, bundle.signingKey.key, 'signingKey', true);
  const signedPrekey = importPublic(suite, spk.key, 'signedPrekey');
  // The signature covers the prekey's SPKI bytes exactly as published (the base64-decoded `key`).
  if (!verify(suite, signingKey, fromBase64(spk.key, 'signedPrekey'), fromBase64(spk.signature, 'signature'))) {
    throw new E2eError('recipient signed prekey: signature does not verify');
  }
  const oneTimePrekey = bundle.oneTimePrekey ? importPublic(suite, bundle.oneTimePrekey.key, 'oneTimePrekey') : null;
  return { identity, signedPrekey, oneTimePrekey };
}

// ---------------------------------------------------------------------------------------------
// seal and open

function messageKey(ikm, infoBytes) {
  return Buffer.from(crypto.hkdfSync('sha256', ikm, SALT, infoBytes, KEY_BYTES));
}

/**
 * Seals `text` from `sender` (device keys of user `senderUser`) to the device of `recipient` (its
 * bundle as keys.fetch returned it, with its one-time prekey if it carries one), of user
 * `recipientUser`. Returns one envelope of dm.send.
 */
export function seal(sender, senderUser, recipient, recipientUser, text) {
  const suite = sender.suite;
  const to = forSealing(suite, recipient);
  const ephemeral = newAgreementPair(suite);
  const parts = [
    agree(sender.identity.privateKey, to.signedPrekey), // DH1 = DH(IK_s, SPK_r)
    agree(ephemeral.privateKey, to.identity), // DH2 = DH(EK, IK_r)
    agree(ephemeral.privateKey, to.signedPrekey), // DH3 = DH(EK, SPK_r)
  ];
  if (to.oneTimePrekey) parts.push(agree(ephemeral.privateKey, to.oneTimePrekey)); // DH4 = DH(EK, OPK_r)
  const infoBytes = info(senderUser, sender.device, recipientUser, recipient.device);
  const key = messageKey(Buffer.concat(parts), infoBytes);
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(infoBytes);
  const sealed = Buffer.concat([cipher.update(Buffer.from(text, 'utf8')), cipher.final(), cipher.getAuthTag()]);
  const ciphertext = toBase64(sealed);
  if (ciphertext.length > MAX_CIPHERTEXT_CHARS) throw new RangeError('text too long for one envelope');
  const envelope = {
    device: recipient.device,
    senderDevice: sender.device,
    algorithm: suite.envelopeAlg,
    ephemeralKey: toBase64(spki(ephemeral.publicKey)),
  };
  if (recipient.oneTimePrekey) envelope.oneTimePrekeyId = recipient.oneTimePrekey.keyId;
  envelope.nonce = toBase64(nonce);
  envelope.ciphertext = ciphertext;
  return envelope;
}

/** The DH outputs a recipient computes for an envelope, in the order of the scheme. */
function recipientParts(suite, recipient, senderIdentity, envelope, oneTimePrivate) {
  const ephemeral = importPublic(suite, envelope.ephemeralKey, 'ephemeralKey');
  const spk = recipient.signedPrekey.privateKey;
  const parts = [
    agree(spk, senderIdentity), // DH1 = DH(SPK_r, IK_s)
    agree(recipient.identity.privateKey, ephemeral), // DH2 = DH(IK_r, EK)
    agree(spk, ephemeral), // DH3 = DH(SPK_r, EK)
  ];
  if (oneTimePrivate) parts.push(agree(oneTimePrivate, ephemeral)); // DH4 = DH(OPK_r, EK)
  return parts;
}

/**
 * Opens `envelope`, sealed by the device of `sender` (its bundle) of user `senderUser`, to
 * `recipient` (device keys of user `recipientUser`). The one-time prekey it names, if any, is
 * forgotten once the text authenticates, so the envelope opens only once.
 */
export function open(recipient, recipientUser, sender, senderUser, envelope) {
  const suite = recipient.suite;
  if (!envelope || envelope.algorithm !== suite.envelopeAlg) throw new E2eError(`envelope algorithm is not ${suite.envelopeAlg}`);
  if (envelope.device !== recipient.device || !sender || envelope.senderDevice !== sender.device) {
    throw new E2eError('envelope is not from this sender device to this device');
  }
  const senderIdentity = identityOf(suite, sender);
  const otpkId = envelope.oneTimePrekeyId;
  const otpk = otpkId == null ? null : recipient.oneTime.get(otpkId);
  if (otpkId != null && !otpk) throw new E2eError(`one-time prekey ${otpkId} is unknown or already used`);
  const parts = recipientParts(suite, recipient, senderIdentity, envelope, otpk && otpk.privateKey);
  const infoBytes = info(senderUser, sender.device, recipientUser, recipient.device);
  const key = messageKey(Buffer.concat(parts), infoBytes);
  const nonce = fromBase64(envelope.nonce, 'nonce');
  const sealed = fromBase64(envelope.ciphertext, 'ciphertext');
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw new E2eError('envelope: malformed nonce or ciphertext');
  let plain;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(infoBytes);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new E2eError('cannot open: authentication failed');
  }
  // Forgotten only once authenticated, so a forged envelope cannot burn the key.
  if (otpk) recipient.oneTime.delete(otpkId);
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

// ---------------------------------------------------------------------------------------------
// the published vectors (docs/vectors/e2e-scheme-vectors.json)

/** Checks every vector step by step; returns the problems found (empty when all pass). */
export function checkVectors(file) {
  const root = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = [];
  const expect = (ok, what) => {
    if (!ok) problems.push(what);
  };
  for (const v of root.vectors) {
    const suite = suiteOf(v.suite);
    const at = (what) => `${v.suite}: ${what}`;
    const infoBytes = info(v.senderUser, v.sender.device, v.recipientUser, v.recipient.device);
    expect(infoBytes.toString('hex') === v.infoHex, at('info bytes'));
    for (const [who, bundle] of [['sender', v.sender], ['recipient', v.recipient]]) {
      expect(fingerprint(bundle.identityKey.key) === bundle.fingerprint, at(`${who} fingerprint`));
      const signature = fromBase64(bundle.signedPrekey.signature, 'signature');
      expect(signature.length === 64, at(`${who} signature is 64 bytes`));
      const signingKey = importPublic(suite, bundle.signingKey.key, 'signingKey', true);
      expect(verify(suite, signingKey, fromBase64(bundle.signedPrekey.key, 'signedPrekey'), signature), at(`${who} signed prekey signature`));
      expect(forSealing(suite, bundle) != null, at(`${who} bundle accepted`));
    }
    expect(safetyNumber(v.sender.fingerprint, v.recipient.fingerprint) === v.safetyNumber, at('safety number'));
    const priv = v.recipientPrivate;
    const oneTime = new Map();
    for (const [id, pkcs8] of Object.entries(priv.oneTimePrekeys)) {
      oneTime.set(Number(id), { privateKey: importPrivate(suite, pkcs8, `oneTimePrekey ${id}`) });
    }
    const recipient = {
      device: v.recipient.device,
      suite,
      identity: { privateKey: importPrivate(suite, priv.identity, 'identity') },
      signedPrekey: { privateKey: importPrivate(suite, priv.signedPrekey, 'signedPrekey') },
      oneTime,
    };
    const senderIdentity = identityOf(suite, v.sender);
    for (const { messageKeyHex, ikmHex, ...envelope } of v.envelopes) {
      const which = at(`envelope ${envelope.oneTimePrekeyId == null ? 'without' : 'with'} one-time prekey`);
      const otpk = envelope.oneTimePrekeyId == null ? null : oneTime.get(envelope.oneTimePrekeyId).privateKey;
      const ikm = Buffer.concat(recipientParts(suite, recipient, senderIdentity, envelope, otpk));
      expect(ikm.toString('hex') === ikmHex, `${which}: ikm`);
      expect(messageKey(ikm, infoBytes).toString('hex') === messageKeyHex, `${which}: message key`);
      try {
        expect(open(recipient, v.recipientUser, v.sender, v.senderUser, envelope) === v.plaintext, `${which}: text`);
      } catch (e) {
        problems.push(`${which}: does not open (${e.message})`);
      }
    }
    const reused = v.envelopes.find((e) => e.oneTimePrekeyId != null);
    const { messageKeyHex: _k, ikmHex: _i, ...again } = reused;
    let reopened = true;
    try {
      open(recipient, v.recipientUser, v.sender, v.senderUser, again);
    } catch {
      reopened = false;
    }
    expect(!reopened, at('an envelope with a one-time prekey opens once only'));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// the interoperability peer

function answer(request, devices) {
  switch (request.op) {
    case 'generate': {
      const keys = generateDeviceKeys(request.device, request.suite, request.oneTimePrekeys ?? 0);
      devices.set(request.device, keys);
      return { publish: publishRequest(keys), bundle: publicBundle(keys) };
    }
    case 'seal':
      return { envelope: seal(deviceOf(devices, request.device), request.senderUser, request.recipient, request.recipientUser, request.text) };
    case 'open':
      return { text: open(deviceOf(devices, request.device), request.recipientUser, request.sender, request.senderUser, request.envelope) };
    case 'safetyNumber':
      return { safetyNumber: safetyNumber(request.a, request.b) };
    default:
      throw new E2eError(`unknown op ${request.op}`);
  }
}

function deviceOf(devices, device) {
  const keys = devices.get(device);
  if (!keys) throw new E2eError(`no keys generated for device ${device}`);
  return keys;
}

async function peer() {
  const devices = new Map();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let out;
    try {
      out = { ok: true, ...answer(JSON.parse(line), devices) };
    } catch (e) {
      out = { ok: false, error: e instanceof E2eError || e instanceof RangeError ? e.message : `${e.name}: ${e.message}` };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

async function main(args) {
  if (args[0] === 'vectors' && args[1]) {
    const problems = checkVectors(args[1]);
    if (problems.length) {
      console.error(`vectors: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
      return 1;
    }
    console.log('vectors: every check passed');
    return 0;
  }
  if (args[0] === 'peer') {
    await peer();
    return 0;
  }
  console.error('usage: node e2e-interop.mjs vectors <file.json> | peer');
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
