package org.haven.server.push;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VAPID {@code Authorization} header (RFC 8292) taken apart and checked the way a push service
 * checks it: the ES256 signature, in its JOSE form (r and s, 32 bytes each), with the key given as
 * {@code k}; then, by {@link #checkFor}, the audience and expiry. Test code, independent of the
 * signing side but for parsing the public key.
 */
public record VapidToken(Map<String, Object> header, Map<String, Object> claims, String publicKey) {

    private static final Pattern FORM =
            Pattern.compile("vapid t=([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    /**
     * The token in {@code authorization}, its signature verified.
     *
     * @throws IllegalArgumentException when the header is malformed or the signature does not verify
     */
    public static VapidToken verify(String authorization) {
        Matcher m = FORM.matcher(authorization);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a vapid Authorization header: " + authorization);
        }
        String jwt = m.group(1);
        String k = m.group(2);
        String[] parts = jwt.split("\\.");
        Base64.Decoder b64 = Base64.getUrlDecoder();
        try {
            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initVerify(P256.publicKey(b64.decode(k), "k"));
            es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            byte[] signature = b64.decode(parts[2]);
            if (signature.length != 64 || !es256.verify(signature)) {
                throw new IllegalArgumentException("the JWT's signature does not verify with k");
            }
            return new VapidToken(
                    JSON.readValue(b64.decode(parts[0]), OBJECT), JSON.readValue(b64.decode(parts[1]), OBJECT), k);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the JWT cannot be checked: " + e, e);
        }
    }

    /**
     * Checks what a push service checks for a request to {@code endpoint} at {@code now}: ES256, the
     * endpoint's origin as audience, an expiry after now and less than 24 h ahead, a subject.
     */
    public VapidToken checkFor(URI endpoint, Instant now) {
        String origin = endpoint.getScheme() + "://" + endpoint.getHost()
                + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort());
        require("ES256".equals(header.get("alg")), "alg " + header.get("alg"));
        require(origin.equals(audience()), "aud " + audience() + " for " + origin);
        require(expires().isAfter(now), "exp " + expires() + " not after " + now);
        require(expires().isBefore(now.plus(Duration.ofHours(24))), "exp " + expires() + " 24 h or more after " + now);
        String sub = subject();
        require(sub.startsWith("mailto:") || sub.startsWith("https:"), "sub " + sub);
        return this;
    }

    public String audience() {
        return String.valueOf(claims.get("aud"));
    }

    public Instant expires() {
        return Instant.ofEpochSecond(((Number) claims.get("exp")).longValue());
    }

    public String subject() {
        return String.valueOf(claims.get("sub"));
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("VAPID token refused: " + what);
        }
    }
}
