package dev.wgmesh.cli.ops;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the API is and the token it wants: {@code --url}/{@code --token}, else {@code WGMESH_URL}/{@code WGMESH_TOKEN},
 * else what {@code ./wgmesh up} left in its data folder ({@code url} and {@code api-token}), else
 * {@value #DEFAULT_URL} and no token (reads work without one).
 *
 * @param token null: send none
 */
record Target(URI url, String token) {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    static Target resolve(String urlOption, String tokenOption, Map<String, String> env, Path dataDir) {
        String url = first(urlOption, env.get("WGMESH_URL"), read(dataDir.resolve("url")), DEFAULT_URL);
        String token = first(tokenOption, env.get("WGMESH_TOKEN"), read(dataDir.resolve("api-token")), null);
        return new Target(parse(url), token);
    }

    /** The folder ./wgmesh up writes: the launcher names it with -Dwgmesh.data-dir, else ./wgmesh-data. */
    static Path dataDir() {
        return Path.of(System.getProperty("wgmesh.data-dir", "wgmesh-data"));
    }

    private static URI parse(String url) {
        String trimmed = url.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // told below, the same way
        }
        throw new Failure(Failure.USAGE, "the API address \"" + url + "\" is not an http(s) URL such as " + DEFAULT_URL);
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Failure(Failure.FAILED, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
