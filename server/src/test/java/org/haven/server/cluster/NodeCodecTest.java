package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The contract of messages between nodes, like the client protocol's: every kind round-trips, the
 * wire text of each is pinned (nodes of the previous version read and write exactly this, so a
 * rolling restart mixes them safely), and what is malformed or unknown decodes to nothing.
 */
class NodeCodecTest {

    /** One of each kind, with its wire text. */
    private static final Map<NodeMessage, String> SAMPLES = Map.ofEntries(
            Map.entry(
                    new NodeMessage.Hello("n-1", "c-7", "{\"type\":\"hello\"}"),
                    "{\"k\":\"hello\",\"g\":\"n-1\",\"c\":\"c-7\",\"m\":\"{\\\"type\\\":\\\"hello\\\"}\"}"),
            Map.entry(
                    new NodeMessage.In("n-1", "c-7", "{\"type\":\"ping\",\"id\":\"1\"}"),
                    "{\"k\":\"in\",\"g\":\"n-1\",\"c\":\"c-7\",\"m\":\"{\\\"type\\\":\\\"ping\\\",\\\"id\\\":\\\"1\\\"}\"}"),
            Map.entry(
                    new NodeMessage.Gone("n-1", "c-7", true),
                    "{\"k\":\"gone\",\"g\":\"n-1\",\"c\":\"c-7\",\"abrupt\":true}"),
            Map.entry(
                    new NodeMessage.Out("c-7", "{\"type\":\"ok\"}", false),
                    "{\"k\":\"out\",\"c\":\"c-7\",\"u\":false,\"m\":\"{\\\"type\\\":\\\"ok\\\"}\"}"),
            Map.entry(
                    new NodeMessage.OutMany(List.of("c-7", "c-8"), "{\"type\":\"alert\"}", true),
                    "{\"k\":\"outmany\",\"u\":true,\"m\":\"{\\\"type\\\":\\\"alert\\\"}\",\"cs\":[\"c-7\",\"c-8\"]}"),
            Map.entry(
                    new NodeMessage.Out("c-7", "{\"type\":\"alert\"}", true, "n-1-5"),
                    "{\"k\":\"out\",\"c\":\"c-7\",\"u\":true,\"m\":\"{\\\"type\\\":\\\"alert\\\"}\",\"x\":\"n-1-5\"}"),
            Map.entry(
                    new NodeMessage.OutMany(List.of("c-7"), "{\"type\":\"alert\"}", true, "n-1-6"),
                    "{\"k\":\"outmany\",\"u\":true,\"m\":\"{\\\"type\\\":\\\"alert\\\"}\",\"x\":\"n-1-6\",\"cs\":[\"c-7\"]}"),
            Map.entry(
                    new NodeMessage.Close("c-7", 4003, "revoked"),
                    "{\"k\":\"close\",\"c\":\"c-7\",\"code\":4003,\"r\":\"revoked\"}"),
            Map.entry(
                    new NodeMessage.Revoked("n-2", "t-1", null, null, 1_800_000_000_000L, null),
                    "{\"k\":\"revoked\",\"until\":1800000000000,\"token\":\"t-1\",\"from\":\"n-2\"}"),
            Map.entry(
                    new NodeMessage.StoodIn("n-2", "demo", "a-1", "{\"type\":\"alert\"}"),
                    "{\"k\":\"standin\",\"from\":\"n-2\",\"org\":\"demo\",\"a\":\"a-1\",\"m\":\"{\\\"type\\\":\\\"alert\\\"}\"}"),
            Map.entry(
                    new NodeMessage.Disconnected("n-2", "demo", "alice", "n-2-8"),
                    "{\"k\":\"disconnect\",\"from\":\"n-2\",\"org\":\"demo\",\"user\":\"alice\",\"ask\":\"n-2-8\"}"),
            Map.entry(new NodeMessage.Ended("n-2-7", 3), "{\"k\":\"ended\",\"ask\":\"n-2-7\",\"n\":3}"),
            Map.entry(
                    new NodeMessage.ApiAsked("n-2", "n-2-api-4", "{\"method\":\"GET\"}"),
                    "{\"k\":\"api\",\"from\":\"n-2\",\"ask\":\"n-2-api-4\",\"m\":\"{\\\"method\\\":\\\"GET\\\"}\"}"),
            Map.entry(
                    new NodeMessage.ApiAnswered("n-2-api-4", "{\"status\":200}"),
                    "{\"k\":\"apiok\",\"ask\":\"n-2-api-4\",\"m\":\"{\\\"status\\\":200}\"}"));

    @Test
    void everyKindHasASampleAndRoundTrips() {
        assertThat(SAMPLES.keySet().stream().map(Object::getClass).collect(Collectors.toSet()))
                .as("a sample for every kind: a new kind without one fails here")
                .containsExactlyInAnyOrder(NodeMessage.class.getPermittedSubclasses());
        SAMPLES.forEach((message, wire) -> {
            assertThat(NodeCodec.encode(message))
                    .as(message.getClass().getSimpleName())
                    .isEqualTo(wire);
            assertThat(NodeCodec.decode(wire)).isEqualTo(message);
        });
    }

    @Test
    void aUserRevocationRoundTrips() {
        NodeMessage.Revoked user = new NodeMessage.Revoked("n-2", null, "demo", "alice", 5L, "n-2-8");
        assertThat(NodeCodec.decode(NodeCodec.encode(user))).isEqualTo(user);
    }

    @Test
    void onlyRepliesAreReadForTheRequestTheyAnswer() {
        assertThat(NodeCodec.answers("{\"type\":\"ok\",\"re\":\"r-1\",\"result\":{}}"))
                .isEqualTo("r-1");
        assertThat(NodeCodec.answers("{\"type\":\"error\",\"re\":\"r\\\"2\",\"code\":\"internal\"}"))
                .isEqualTo("r\"2");
        assertThat(NodeCodec.answers("{\"type\":\"alert\",\"alert\":{\"id\":\"r-1\"}}"))
                .isNull();
        assertThat(NodeCodec.answers("{\"type\":\"ok\",")).as("malformed").isNull();
    }

    @Test
    void whatIsMalformedOrUnknownDecodesToNothing() {
        for (String text : List.of(
                "",
                "not json",
                "[]",
                "null",
                "{}",
                "{\"k\":\"future-kind\",\"x\":1}",
                "{\"k\":\"in\",\"g\":\"n-1\"}",
                "{\"k\":\"out\",\"m\":\"x\"}",
                "{\"k\":\"revoked\",\"from\":\"n\"}",
                "{\"k\":\"revoked\",\"from\":\"n\",\"until\":1}")) {
            assertThat(NodeCodec.decode(text)).as(text).isNull();
        }
    }
}
