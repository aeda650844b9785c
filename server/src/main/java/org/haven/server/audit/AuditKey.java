package org.haven.server.audit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that seals the audit trail: each record's {@code hash} is an HMAC-SHA256 under it, so
 * someone who can change the stored trail but does not hold the key cannot write a record, or a
 * chain of them, that {@link AuditVerifier} accepts. Kept outside the trail: in {@code
 * HAVEN_AUDIT_KEY} (every node of a cluster the same), or, for a single node, in a file beside the
 * database ({@link #inDirectory}).
 *
 * <p>Its {@link #id()} names it without revealing it, so a node started with another key than the one
 * that sealed a trail is refused instead of forking the chain. Thread-safe; never printed.
 */
public final class AuditKey {

    /** The least key length, in bytes: HMAC-SHA256's output size. */
    public static final int MIN_BYTES = 32;

    /** The key file's name in the data directory. */
    public static final String FILE = "audit.key";

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec secret;
    private final String id;

    private AuditKey(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("an audit key needs at least " + MIN_BYTES + " bytes");
        }
        this.secret = new SecretKeySpec(bytes.clone(), ALGORITHM);
        this.id = mac("haven audit key id").substring(0, 16);
    }

    /** The key {@code base64} holds (standard or URL-safe alphabet, padding optional). */
    public static AuditKey parse(String base64) {
        Objects.requireNonNull(base64, "base64");
        String text = base64.strip();
        byte[] bytes;
        try {
            bytes = text.contains("-") || text.contains("_")
                    ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an audit key is base64");
        }
        return new AuditKey(bytes);
    }

    /** A new random key. */
    public static AuditKey random() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new AuditKey(bytes);
    }

    /** A new random key as {@code HAVEN_AUDIT_KEY} takes it. */
    public static String newKeyText() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * The key in {@link #FILE} in {@code directory}; on first use, a new random one, written there
     * readable by this user only. Whoever can read the directory can forge the trail: keep a copy of
     * the key elsewhere, or give it as {@code HAVEN_AUDIT_KEY}.
     *
     * @throws UncheckedIOException when the file cannot be read or written
     * @throws IllegalArgumentException when the file does not hold a key
     */
    public static AuditKey inDirectory(Path directory) {
        Path file = directory.resolve(FILE);
        try {
            Files.createDirectories(directory);
            if (!Files.exists(file)) {
                try {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                } catch (FileAlreadyExistsException e) {
                    return parse(Files.readString(file, US_ASCII)); // another process made it first
                }
                Files.writeString(
                        file, newKeyText() + "\n", US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            }
            return parse(Files.readString(file, US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("the audit key file cannot be read or written: " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the audit key file " + file + " does not hold a key: " + e.getMessage());
        }
    }

    /** A name for this key that does not reveal it: 16 hex digits. */
    public String id() {
        return id;
    }

    /** The lowercase hex HMAC-SHA256 of {@code text} (UTF-8) under this key. */
    public String mac(String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "AuditKey[" + id + "]";
    }
}
