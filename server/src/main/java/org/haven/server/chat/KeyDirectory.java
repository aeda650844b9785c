package org.haven.server.chat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.E2e;
import org.haven.server.presence.UserRef;

/**
 * Public keys of every device of every user: identity key, signing key, signed prekey, and a
 * supply of one-time prekeys. In memory on one node, in Redis for a cluster.
 *
 * <p>Guarantees: holds public keys only; a one-time prekey is handed out at most once; publishing
 * for a device replaces that device's keys and reports the identity key it replaced.
 */
public interface KeyDirectory {

    /** Stores a device's keys; completes with the previous identity key's fingerprint, if any. */
    CompletionStage<Optional<String>> publish(UserRef user, E2e.DeviceBundle bundle, List<E2e.Prekey> oneTimePrekeys);

    /** Every device of {@code user}, each with one one-time prekey taken from its supply while any last. */
    CompletionStage<List<E2e.DeviceBundle>> fetch(UserRef user);

    /** The devices of {@code user}, without taking one-time prekeys. */
    CompletionStage<List<String>> devices(UserRef user);

    /**
     * A device's bundle as a directory keeps it: without a one-time prekey (those are kept apart,
     * each handed out once).
     */
    static E2e.DeviceBundle storedForm(E2e.DeviceBundle bundle) {
        return new E2e.DeviceBundle(
                bundle.device(),
                bundle.identityKey(),
                bundle.signingKey(),
                bundle.signedPrekey(),
                null,
                bundle.fingerprint());
    }
}
