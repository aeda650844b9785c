package org.haven.server.auth;

import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The keys tokens may be signed with: an HS256 secret, and RSA or EC public keys from a PEM file or
 * a JWKS file (by {@code kid}). Loaded once at start; a bad file fails the start with its name.
 */
public final class VerificationKeys {

    private final @Nullable SecretKey hmac;
    private final @Nullable PublicKey defaultPublicKey;
    private final Map<String, PublicKey> byKid;

    private VerificationKeys(
            @Nullable SecretKey hmac, @Nullable PublicKey defaultPublicKey, Map<String, PublicKey> byKid) {
        this.hmac = hmac;
        this.defaultPublicKey = defaultPublicKey;
        this.byKid = Map.copyOf(byKid);
    }

    /** Loads the configured keys; any of them may be absent, but not all. */
    public static VerificationKeys load(
            @Nullable String hmacSecret, @Nullable Path publicKeyPem, @Nullable Path jwksFile) {
        SecretKey hmac = hmacSecret == null ? null : Keys.hmacShaKeyFor(hmacSecret.getBytes(StandardCharsets.UTF_8));
        PublicKey pem = publicKeyPem == null ? null : readPem(publicKeyPem);
        Map<String, PublicKey> jwks = jwksFile == null ? Map.of() : readJwks(jwksFile);
        if (hmac == null && pem == null && jwks.isEmpty()) {
            throw new IllegalArgumentException("HAVEN_JWT_SECRET: unset, and no public key configured");
        }
        return new VerificationKeys(hmac, pem, jwks);
    }

    /** The HS256 secret, or {@code null}. */
    @Nullable
    SecretKey hmac() {
        return hmac;
    }

    /** The public key for a {@code kid}; without a kid, the PEM key. {@code null} when there is none. */
    @Nullable
    PublicKey publicKey(@Nullable String kid) {
        if (kid != null) {
            PublicKey key = byKid.get(kid);
            return key != null ? key : null;
        }
        return defaultPublicKey;
    }

    static PublicKey readPem(Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            String base64 =
                    pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(base64);
            X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
            for (String algorithm : new String[] {"RSA", "EC"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(spec);
                } catch (GeneralSecurityException e) {
                    // try the next key type
                }
            }
            throw new IllegalArgumentException("not an RSA or EC public key");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "HAVEN_JWT_PUBLIC_KEY: cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static Map<String, PublicKey> readJwks(Path file) {
        try {
            JwkSet set = Jwks.setParser().build().parse(Files.readString(file, StandardCharsets.UTF_8));
            Map<String, PublicKey> keys = new HashMap<>();
            for (Jwk<?> jwk : set.getKeys()) {
                Object key = jwk.toKey();
                if (jwk.getId() != null && (key instanceof RSAPublicKey || key instanceof ECPublicKey)) {
                    keys.put(jwk.getId(), (PublicKey) key);
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no RSA or EC public key with a kid");
            }
            return keys;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("HAVEN_JWT_JWKS: cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }
}
