package org.haven.protocol;

/**
 * The prose of the AsyncAPI document that neither the schema nor a table of docs/protocol.md holds:
 * what the document is, the transport and the authentication. Each states docs/protocol.md's
 * contract in short and points to it; a change of the contract is made there first.
 */
final class AsyncApiText {

    private AsyncApiText() {}

    static final String INFO = """
            The WebSocket protocol of Haven, for tools: every message a client sends and every message \
            the server sends, each with its JSON Schema. The contract in prose, which this document \
            summarises and does not replace, is [docs/protocol.md](protocol.md): ordering and sequence \
            numbers, reconnecting, live sessions, distress alerts, the discreet chat, limits, error codes \
            and close codes are there.

            Payloads are the definitions of the published JSON Schema \
            ([haven-protocol.schema.json](../protocol/src/main/resources/schema/haven-protocol.schema.json), \
            draft 2020-12, using only keywords of draft 07 as well), referenced, not copied.

            This document describes a **client**: it sends requests (the `send.*` operations) and \
            receives what the server sends (the `receive.*` operations).

            - **Frames**: text frames only, one JSON object per frame, UTF-8, 64 KiB at most by default.
            - **Requests and replies**: every client message is a request with a client-chosen `id` (1 \
            to 64 characters). The server answers each exactly once, with `ok` or `error` carrying the \
            id as `re` (each `send.*` operation's `reply`). An `ok` carries a `result` when the request \
            returns data; its `kind` names its shape (the `ok.<kind>` messages). An `error` never closes \
            the connection by itself.
            - **Authentication**: the first frame must be `hello`, within 5 s of the upgrade, with a JWT \
            in `token` (see the `send.hello` operation). The token, not the connection, grants the role, \
            the organisation and the rooms; refresh it with `token.refresh` before it expires.
            - **Forward compatibility**: a client ignores fields it does not know; the server never sends \
            `null`, it leaves out what it has not.
            """;

    static final String CHANNEL = """
            The one WebSocket of a connection, at the server's pathname: every frame in both directions \
            travels on it, requests and their replies interleaved with the server's events. There is no \
            other channel: rooms, alerts and direct messages are named inside the messages.""";

    static final String HELLO = """
            Authenticates the connection: the first frame of every connection, within 5 s of the \
            upgrade. `token` is a JWT (HS256 with a shared secret, or RS256 / ES256 with the issuer's \
            public keys) whose claims name the user (`sub`), the organisation (`org`), the role \
            (`role`), the rooms the holder may join (`rooms`) and its expiry (`exp`); `iss` and `aud` \
            must match the node's configuration. `versions` lists the protocol versions the client \
            speaks; the `welcome` result names the highest one both know. To resume after a lost \
            connection, add the previous `welcome`'s `resumeToken` and the last `seq` received in each \
            room (`lastSeq`).

            Anything else before `hello` closes the connection with 4002; no `hello` in time, 4001; a \
            rejected token, 4003; no common version, an `invalid_message` error, then 4005. An expired \
            token closes the connection with 4004 unless `token.refresh` came first. A second `hello` \
            is answered with `already_authenticated`.""";

    static final String PRODUCTION = """
            A Haven node serving TLS (`HAVEN_TLS_CERT`, `HAVEN_TLS_KEY`), or behind a proxy that does. \
            Browsers must send an `Origin` the node allows (its `HAVEN_PUBLIC_URL`, or \
            `HAVEN_ALLOWED_ORIGINS`); otherwise the upgrade is refused with HTTP 403. The upgrade is \
            RFC 6455, HTTP/1.1 with `Sec-WebSocket-Version: 13`. A connection must authenticate with \
            `hello` (see the `send.hello` operation).""";

    static final String DEVELOPMENT = """
            A Haven node without TLS, such as one started on a developer's machine with `java -jar \
            server/target/haven-server.jar` (dev mode: it accepts tokens signed with its public dev \
            secret). A connection must authenticate with `hello` (see the `send.hello` operation).""";
}
