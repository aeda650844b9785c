// Mints a Haven test token: an HS256 JWT, with node:crypto alone (Node 18 or newer, no packages).
// For a dev node you started with your own secret (docs/client-guide.md, "Test tokens"):
//
//   export HAVEN_JWT_SECRET='…at least 32 bytes, kept to yourself…'
//   java -jar server/target/haven-server.jar                        # a dev node using that secret
//   node docs/examples/mint-token.mjs --sub alice --role client --org demo --rooms group-1 --name Alice
//
// The token's iss and aud are HAVEN_JWT_ISSUER and HAVEN_JWT_AUDIENCE when set, else the dev node's
// defaults (haven-dev, haven); --ttl is its lifetime in seconds (default 3600). It prints the token.

import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * A token the node accepts: signed with HMAC-SHA256 over the UTF-8 bytes of `secret` exactly as
 * HAVEN_JWT_SECRET holds them (a secret that looks like base64 is not decoded).
 */
export function mintToken({ secret, issuer, audience, sub, role, org, rooms, name, ttlSeconds = 3600 }) {
  if (Buffer.byteLength(secret, 'utf8') < 32) throw new RangeError('the secret must be at least 32 bytes');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub, // the user id others see
    iss: issuer, // must equal HAVEN_JWT_ISSUER
    aud: audience, // must equal HAVEN_JWT_AUDIENCE
    iat: now,
    exp: now + ttlSeconds, // the connection closes with 4004 when it passes (unless refreshed)
    jti: crypto.randomUUID(), // the token id, for revocation
    org, // users of different organisations never meet
    role, // client, clinician, supervisor or support
    rooms, // the room ids the holder may join (at most 256)
  };
  if (name) claims.name = name; // the display name others see
  const part = (json) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest('base64url');
  return `${signed}.${signature}`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      rooms: { type: 'string', default: '' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const secret = process.env.HAVEN_JWT_SECRET;
  if (!secret || !values.sub || !values.role || !values.org) {
    console.error('usage: HAVEN_JWT_SECRET=… node mint-token.mjs --sub <user> --role <client|clinician|supervisor|support>'
      + ' --org <org> --rooms <room,room> [--name <display name>] [--ttl <seconds>]');
    process.exit(2);
  }
  console.log(mintToken({
    secret,
    issuer: process.env.HAVEN_JWT_ISSUER || 'haven-dev',
    audience: process.env.HAVEN_JWT_AUDIENCE || 'haven',
    sub: values.sub,
    role: values.role,
    org: values.org,
    rooms: values.rooms.split(',').map((r) => r.trim()).filter(Boolean),
    name: values.name,
    ttlSeconds: Number(values.ttl),
  }));
}
