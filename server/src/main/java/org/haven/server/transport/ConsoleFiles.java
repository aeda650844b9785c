package org.haven.server.transport;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The browser console's static files, read once from the class path ({@code console/} in the jar)
 * when the node starts and answered from memory: a request never touches the disk, and only names
 * that were there at start can be served (no path is ever built from the request).
 */
final class ConsoleFiles {

    static final String PREFIX = "/console/";
    private static final String ROOT = "console";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "wav", "audio/wav",
            "ico", "image/x-icon");

    /**
     * The console runs only its own scripts and styles, talks only to its own origin (the WebSocket
     * included), and cannot be framed by another site.
     */
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; "
                            + "connect-src 'self'; img-src 'self' data:; media-src 'self' data:; object-src 'none'; "
                            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    private final Map<String, HttpReply> files;

    private ConsoleFiles(Map<String, HttpReply> files) {
        this.files = Map.copyOf(files);
    }

    /** The console as packaged with the server (none when the jar has no {@code console/}). */
    static ConsoleFiles fromClassPath() {
        URL root = ConsoleFiles.class.getClassLoader().getResource(ROOT);
        if (root == null) {
            return new ConsoleFiles(Map.of());
        }
        try {
            URI uri = root.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return new ConsoleFiles(read(jar.getPath(ROOT)));
                }
            }
            return new ConsoleFiles(read(Path.of(uri)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the console's files", e);
        }
    }

    private static Map<String, HttpReply> read(Path dir) throws IOException {
        Map<String, HttpReply> out = new HashMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                String name = dir.relativize(file).toString().replace('\\', '/');
                String type = TYPES.get(extension(name));
                if (type == null) {
                    continue; // only known kinds of file are served
                }
                try (InputStream in = Files.newInputStream(file)) {
                    out.put(name, new HttpReply(HttpResponseStatus.OK, type, in.readAllBytes(), HEADERS));
                }
            }
        }
        return out;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The file at {@code path} below {@link #PREFIX} ({@code index.html} for the bare prefix), or null. */
    @Nullable
    HttpReply get(String path) {
        String name = path.substring(PREFIX.length());
        return files.get(name.isEmpty() ? "index.html" : name);
    }

    boolean isEmpty() {
        return files.isEmpty();
    }
}
