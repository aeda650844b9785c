package org.haven.client.crypto;

import java.util.Objects;

/** Checks of the user and device ids that go into the key derivation info and the AAD. */
final class Names {

    private Names() {}

    /**
     * Returns {@code value} if it is non-empty and free of NUL: NUL separates the ids in the info
     * string, so an id containing one could make two different sender/recipient pairs collide.
     */
    static String check(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + ": contains NUL");
        }
        return value;
    }
}
