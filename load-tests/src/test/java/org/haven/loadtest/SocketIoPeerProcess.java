package org.haven.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Socket.IO peer ({@code peers/socketio/server.js}) as a child process on a free loopback port,
 * for tests; {@link #startIfInstalled()} answers {@code null} when node or the peer's packages
 * ({@code npm ci} in {@code load-tests/peers/socketio}) are missing.
 */
final class SocketIoPeerProcess implements AutoCloseable {

    private static final Path PEER = Path.of("peers", "socketio");
    private static final Pattern LISTENING = Pattern.compile("^Socket.IO peer is listening on port (\\d+)");

    private final Process process;
    private final int port;

    private SocketIoPeerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static SocketIoPeerProcess startIfInstalled() throws IOException, InterruptedException {
        if (!Files.isDirectory(PEER.resolve("node_modules")) || !nodeInstalled()) {
            return null;
        }
        ProcessBuilder builder =
                new ProcessBuilder("node", "server.js").directory(PEER.toFile()).redirectErrorStream(true);
        builder.environment().put("HOST", "127.0.0.1");
        builder.environment().put("PORT", "0");
        Process process = builder.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                port.complete(Integer.parseInt(m.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        port.completeExceptionally(e);
                    }
                    port.completeExceptionally(new IllegalStateException("the Socket.IO peer ended before listening"));
                },
                "socketio-peer-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new SocketIoPeerProcess(process, port.get(15, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the Socket.IO peer did not start", e);
        }
    }

    private static boolean nodeInstalled() throws InterruptedException {
        try {
            Process version = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            version.getInputStream().readAllBytes();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
