package org.haven.server.session;

/** What an administrator can withdraw: a token (by its id) or a user; live connections end at once. */
public interface Revocations {

    /** Denies a token id from now on and closes its connections; returns how many were closed. */
    int revokeToken(String tokenId);

    /** Denies a user from now on and closes their connections; returns how many were closed. */
    int revokeUser(String org, String user);
}
