package org.haven.server.storage;

/**
 * A store that could not be reached for one piece of work while the node runs (the database
 * restarting or cut off): the work was not done, and the caller may come back once the store is
 * back. The server API answers it {@code 503 unavailable} with {@code Retry-After}, as it does a
 * read past its deadline; it is not the server failing.
 *
 * <p>Its message names no value (a driver's message may quote one, and values are health data).
 */
public final class StoreUnreachableException extends RuntimeException {

    public StoreUnreachableException(String what) {
        super(what, null, false, false);
    }
}
