package dev.wgmesh.e2e.process;

import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfigParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds 32-byte secrets in text, in base64 and base64url, padded or not: every run of base64 or
 * base64url characters is checked window by window against the set of forms, so millions of keys
 * and hundreds of megabytes take seconds, and a key glued to other characters is found too.
 */
final class SecretScan {

    /** A 32-byte key is 43 characters before its padding in both alphabets. */
    private static final int WINDOW = 43;

    private final Map<String, String> forms = new HashMap<>();
    private final List<String> findings = new ArrayList<>();
    private long scannedBytes;

    /** @param what names the secret in a finding (never the secret itself) */
    void add(SecretKey secret, String what) {
        byte[] bytes = secret.bytes();
        forms.putIfAbsent(Base64.getEncoder().withoutPadding().encodeToString(bytes), what + " (base64)");
        forms.putIfAbsent(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), what + " (base64url)");
    }

    /** Every private and preshared key in the .conf files under {@code dir}; returns how many files. */
    int addDeployedKeys(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> confs;
        try (Stream<Path> files = Files.walk(dir)) {
            confs = files.filter(f -> f.getFileName().toString().endsWith(".conf")).toList();
        }
        for (Path conf : confs) {
            WgConfigParser.ParsedConfig config = WgConfigParser.parse(Files.readString(conf));
            String where = dir.relativize(conf).toString();
            add(config.privateKey(), "private key of " + where);
            config.peers().stream().filter(peer -> peer.presharedKey() != null)
                    .forEach(peer -> add(peer.presharedKey(), "a preshared key of " + where));
        }
        return confs.size();
    }

    int secrets() {
        return forms.size() / 2;
    }

    long scannedBytes() {
        return scannedBytes;
    }

    List<String> findings() {
        return List.copyOf(findings);
    }

    void scan(String where, byte[] bytes) {
        if (bytes != null) {
            scan(where, new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }

    void scanFile(Path file) {
        try {
            scan(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void scan(String where, String text) {
        scannedBytes += text.length();
        int run = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && isKeyChar(text.charAt(i))) {
                run++;
                continue;
            }
            for (int start = i - run; start + WINDOW <= i; start++) {
                String found = forms.get(text.substring(start, start + WINDOW));
                if (found != null) {
                    findings.add(found + " in " + where);
                }
            }
            run = 0;
        }
    }

    private static boolean isKeyChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '+' || c == '/' || c == '-' || c == '_';
    }
}
