// How a service written in Node.js verifies the internal JWT the Lanyard gateway forwards
// (Authorization: Bearer <jwt>), with the jose library: the same checks as Lanyard's Java
// library (jwt-client-lib/README.md, "What is verified").
//
//   npm ci && node verify.mjs <issuer> <audience> <jwt>
//
// prints the claims as JSON and exits 0, or prints why the token is refused and exits 1.
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** Header parameters Lanyard never sends: keys come from its JWKS only (RFC 8725 §3.10). */
const REFUSED_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'];

/**
 * Fetches and caches the issuer's keys (jose re-fetches on an unknown kid, at most every
 * 30 s, and keeps them 10 minutes). Build one per issuer and share it.
 */
export function lanyardKeys(issuer) {
  return createRemoteJWKSet(new URL(`${issuer}/oauth2/jwks`));
}

/**
 * @returns the verified claims
 * @throws if any check fails
 */
export async function verifyInternalJwt(token, { issuer, audience = 'internal', keys }) {
  if (typeof token !== 'string' || token.length > 8192) {
    throw new Error('malformed: not a token of at most 8192 characters');
  }
  const { payload, protectedHeader } = await jwtVerify(token, keys, {
    algorithms: ['RS256'], // never "none" or HMAC (RFC 8725 §3.1)
    typ: 'at+jwt', // RFC 9068 §4: an ID token or any other JWT is refused
    issuer, // exactly this "iss"
    audience, // ... and this "aud"
    clockTolerance: 30, // seconds of skew on exp, nbf and iat
    maxTokenAge: '10m', // iat at most 10 minutes ago (Lanyard issues 5-minute tokens)
    requiredClaims: ['sub', 'jti', 'exp', 'iat', 'client_id'],
  });
  for (const name of REFUSED_HEADERS) {
    if (name in protectedHeader) {
      throw new Error(`unsupported_header: ${name}`);
    }
  }
  // One audience only: a token meant for several services is refused (jose accepts any
  // one of several).
  if (Array.isArray(payload.aud) && payload.aud.length !== 1) {
    throw new Error('wrong_audience: the token names several audiences');
  }
  if (payload.iat > Date.now() / 1000 + 30) {
    throw new Error('not_yet_valid: issued in the future');
  }
  return payload;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [issuer, audience, token] = process.argv.slice(2);
  try {
    const claims = await verifyInternalJwt(token, { issuer, audience, keys: lanyardKeys(issuer) });
    console.log(JSON.stringify(claims));
  } catch (error) {
    console.error(`refused: ${error.code ?? ''} ${error.message}`);
    process.exit(1);
  }
}
