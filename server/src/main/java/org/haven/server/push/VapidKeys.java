package org.haven.server.push;

import io.jsonwebtoken.Jwts;
import java.io.PrintStream;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An application server's VAPID identity (RFC 8292): a P-256 key pair and a contact subject, which
 * sign the {@code Authorization} header of every push request so that a push service knows who
 * sends, and a browser only accepts pushes for subscriptions made with {@link #publicKey()}.
 *
 * <p>Keys travel as base64url without padding: the public key as the 65-byte uncompressed point
 * (what a browser's {@code applicationServerKey} takes), the private key as its 32-byte scalar.
 * Errors name the key and say what was expected; they never quote a private key, nor does {@link
 * #toString()}.
 *
 * <p>Tokens live {@link #TOKEN_LIFETIME} and are reused per audience until less than {@link
 * #RENEW_BEFORE} is left: signing is not free, and push services may rate-limit new tokens.
 *
 * <p>Threading: immutable but for the token cache, a concurrent map; any thread.
 */
public final class VapidKeys {

    /** The environment variable that holds the public key; {@link #printNewPair} writes it. */
    public static final String PUBLIC_KEY_VARIABLE = "HAVEN_PUSH_VAPID_PUBLIC_KEY";

    /** The environment variable that holds the private key; {@link #printNewPair} writes it. */
    public static final String PRIVATE_KEY_VARIABLE = "HAVEN_PUSH_VAPID_PRIVATE_KEY";

    /** How long a token is valid: RFC 8292 §2 caps it at 24 h, and half of that leaves room for skew. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    /** A cached token with less than this left is replaced. */
    public static final Duration RENEW_BEFORE = Duration.ofHours(1);

    /** RFC 8292 §2: a push service refuses an {@code exp} more than 24 h ahead. */
    private static final Duration MAX_LIFETIME = Duration.ofHours(24);

    /**
     * Audiences are push services' origins, a handful in practice; past this many the cache is
     * cleared rather than left to grow with whatever endpoints subscribers send.
     */
    private static final int MAX_CACHED_AUDIENCES = 64;

    private final ECPrivateKey privateKey;
    private final String publicKeyText;
    private final String subject;
    private final ConcurrentMap<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String header, Instant expires) {}

    private VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey, String subject) {
        this.privateKey = privateKey;
        this.publicKeyText = base64Url(P256.encode(publicKey));
        this.subject = checkSubject(subject);
    }

    /** A new key pair for {@code subject}, a {@code mailto:} or {@code https:} URL to contact the operator. */
    public static VapidKeys generate(String subject) {
        KeyPair pair = P256.generate();
        return new VapidKeys((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate(), subject);
    }

    /**
     * The key pair given in base64url (padding and surrounding blanks tolerated), for {@code subject}.
     *
     * @throws IllegalArgumentException naming the key that is malformed, or saying that the two are not
     *     one pair; never with the private key in the message
     */
    public static VapidKeys parse(String publicKey, String privateKey, String subject) {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(subject, "subject");
        ECPublicKey pub = P256.publicKey(decode(publicKey, "publicKey"), "publicKey");
        ECPrivateKey priv = P256.privateKey(decode(privateKey, "privateKey"), "privateKey");
        if (!P256.pair(priv, pub)) {
            throw new IllegalArgumentException("publicKey: " + publicKey.strip()
                    + " is not the public half of privateKey (expected: the pair printed together)");
        }
        return new VapidKeys(pub, priv, subject);
    }

    /**
     * Prints a new key pair as two environment assignments ({@link #PUBLIC_KEY_VARIABLE} and {@link
     * #PRIVATE_KEY_VARIABLE}), for the operator to keep: the {@code vapid-keys} command.
     */
    public static void printNewPair(PrintStream out) {
        KeyPair pair = P256.generate();
        out.println(PUBLIC_KEY_VARIABLE + "=" + base64Url(P256.encode((ECPublicKey) pair.getPublic())));
        out.println(PRIVATE_KEY_VARIABLE + "=" + base64Url(P256.encode((ECPrivateKey) pair.getPrivate())));
    }

    /** The public key, base64url: the {@code applicationServerKey} browsers subscribe with. */
    public String publicKey() {
        return publicKeyText;
    }

    /** The private key, base64url: for storing it where it came from, never for a log. */
    public String privateKey() {
        return base64Url(P256.encode(privateKey));
    }

    /** The contact the push services see in every token. */
    public String subject() {
        return subject;
    }

    /**
     * The {@code Authorization} header value for a push to {@code endpoint} at {@code now}: {@code
     * vapid t=<JWT>, k=<public key>}, the JWT (ES256) carrying the endpoint's origin as {@code aud},
     * {@code now + }{@link #TOKEN_LIFETIME} as {@code exp} and {@link #subject()} as {@code sub}.
     * A token for the same origin is reused while it has at least {@link #RENEW_BEFORE} left.
     */
    public String authorization(URI endpoint, Instant now) {
        Objects.requireNonNull(now, "now");
        String audience = audience(endpoint);
        Token cached = tokens.get(audience);
        if (cached != null && fresh(cached, now)) {
            return cached.header();
        }
        if (tokens.size() >= MAX_CACHED_AUDIENCES) {
            tokens.clear();
        }
        // Two threads may both sign here: harmless, both tokens are valid and the last one is kept.
        Token token = sign(audience, now);
        tokens.put(audience, token);
        return token.header();
    }

    /** The origin ({@code scheme://host[:port]}, the port only when not the scheme's default) of {@code endpoint}. */
    static String audience(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        String host = endpoint.getHost();
        if (!(scheme.equals("https") || scheme.equals("http")) || host == null) {
            // The scheme and host only: the rest of an endpoint is a capability.
            throw new IllegalArgumentException("endpoint: scheme " + endpoint.getScheme() + ", host " + host
                    + " (expected: an absolute http or https URL)");
        }
        int port = endpoint.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static boolean fresh(Token token, Instant now) {
        Duration left = Duration.between(now, token.expires());
        // The upper bound guards against a clock that went back: exp must stay within 24 h of now.
        return left.compareTo(RENEW_BEFORE) >= 0 && left.compareTo(MAX_LIFETIME) < 0;
    }

    private Token sign(String audience, Instant now) {
        Instant expires = now.plus(TOKEN_LIFETIME);
        String jwt = Jwts.builder()
                .header()
                .type("JWT")
                .and()
                // A plain string: push services read aud as one origin, not as an array.
                .claim("aud", audience)
                .claim("sub", subject)
                .expiration(Date.from(expires))
                .signWith(privateKey, Jwts.SIG.ES256)
                .compact();
        return new Token("vapid t=" + jwt + ", k=" + publicKeyText, expires);
    }

    private static String checkSubject(String subject) {
        Objects.requireNonNull(subject, "subject");
        boolean ok;
        try {
            URI uri = new URI(subject);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            ok = switch (scheme) {
                case "mailto" ->
                    uri.getSchemeSpecificPart() != null
                            && uri.getSchemeSpecificPart().indexOf('@') > 0
                            && !uri.getSchemeSpecificPart().endsWith("@");
                case "https" -> uri.getHost() != null;
                default -> false;
            };
        } catch (java.net.URISyntaxException e) {
            ok = false;
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    "subject: " + subject + " (expected: a mailto: address or an https: URL, RFC 8292 §2.1)");
        }
        return subject;
    }

    private static byte[] decode(String text, String name) {
        try {
            return Base64.getUrlDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            // No cause: the decoder's message quotes a character of the key.
            throw new IllegalArgumentException(name + ": not base64url (expected: base64url without padding)");
        }
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "VapidKeys[publicKey=" + publicKeyText + ", subject=" + subject + ", privateKey=***]";
    }
}
