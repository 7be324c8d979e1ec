package dev.wgmesh.cli.bench;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A host for the command target that runs no WireGuard: applying copies the files to {@code STORE/<group>/<host>/},
 * and {@code status} prints what {@code host/wgmesh-apply status} prints for a host that runs exactly those files,
 * every tunnel with a handshake this second and its byte counters growing. The status text is made once per host
 * by {@link #writeStatus}, so each look costs the deployer what a real host's would: a process, half a megabyte to
 * read and parse at 1,000 hosts; asked to be brief, it prints its digests (here its files' hashes, as nothing
 * else changes on it) and no stale peer; it keeps a status session open when asked. Each look appends {@code f}
 * (full) or {@code b} (brief) to {@code STORE/looks}, and each session started an {@code s}.
 */
final class StandInHost {

    private static final String NOW = "@NOW@";

    private StandInHost() {
    }

    /** The command's script: {@code SCRIPT STORE} applies, {@code SCRIPT status STORE} prints the status. */
    static String script() {
        return """
                #!/bin/sh
                set -e
                if [ "$1" = status ]; then
                    if [ "${WGMESH_STATUS_FOLLOW:-}" = 1 ]; then
                        echo s >> "$2/looks"
                        printf 'wgmesh-follow\t1\n'
                        while read -r request since; do
                            if [ "$request" = full ]; then
                                echo f >> "$2/looks"
                                sed "s/@NOW@/$(date +%s)/g" "$2/$WGMESH_GROUP/$WGMESH_HOST/status"
                            else
                                echo b >> "$2/looks"
                                cat "$2/$WGMESH_GROUP/$WGMESH_HOST/brief"
                            fi
                        done
                        exit 0
                    fi
                    if [ -n "${WGMESH_STATUS_BRIEF:-}" ]; then
                        echo b >> "$2/looks"
                        exec cat "$2/$WGMESH_GROUP/$WGMESH_HOST/brief"
                    fi
                    echo f >> "$2/looks"
                    exec sed "s/@NOW@/$(date +%s)/g" "$2/$WGMESH_GROUP/$WGMESH_HOST/status"
                fi
                dest="$1/$WGMESH_GROUP/$WGMESH_HOST"
                if [ "${WGMESH_REMOVE:-}" = 1 ]; then rm -rf "$dest"; exit 0; fi
                mkdir -p "$dest"
                for f in "$WGMESH_CONFIG_DIR"/*.conf; do
                    name=${f##*/}
                    cp "$f" "$dest/.$name.tmp"
                    mv "$dest/.$name.tmp" "$dest/$name"
                done
                """;
    }

    /** Writes {@code hostDir/status} and {@code hostDir/brief} for the config files the host got. */
    static void writeStatus(Path hostDir) throws IOException {
        List<String> lines = new ArrayList<>(List.of("wgmesh-status\t1"));
        List<String> brief = new ArrayList<>(List.of("wgmesh-brief\t1"));
        List<Path> files;
        try (Stream<Path> list = Files.list(hostDir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".conf")).sorted().toList();
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString().replace(".conf", "");
            ParsedConfig config = WgConfigParser.parse(new String(bytes, StandardCharsets.UTF_8));
            lines.add(String.join("\t", "interface", name, "up", String.valueOf(config.listenPort()),
                    X25519Keys.publicKeyOf(config.privateKey()).base64(),
                    config.mtu() == null ? "-" : config.mtu().toString()));
            lines.add(String.join("\t", "file", name, sha256(bytes)));
            config.addresses().forEach(address -> lines.add(String.join("\t", "address", name, address.toString())));
            for (ParsedPeer peer : config.peers()) {
                lines.add(String.join("\t", "peer", name, peer.publicKey().base64(),
                        peer.presharedKey() == null ? "none"
                                : sha256(peer.presharedKey().base64().getBytes(StandardCharsets.US_ASCII)),
                        peer.endpoint() == null ? "none" : peer.endpoint().toString(),
                        peer.allowedIps().stream().map(Cidr::toString).sorted().collect(Collectors.joining(",")),
                        NOW, NOW, NOW,
                        peer.persistentKeepalive() == null ? "off" : peer.persistentKeepalive().toString()));
            }
            lines.add(String.join("\t", "digest", name, sha256(bytes)));
            brief.add(String.join("\t", "interface", name, sha256(bytes), "0"));
        }
        lines.add("end");
        brief.add("end");
        Files.writeString(hostDir.resolve("status"), String.join("\n", lines) + "\n");
        Files.writeString(hostDir.resolve("brief"), String.join("\n", brief) + "\n");
    }

    /** How many full and brief looks the stand-in answered so far, and how many status sessions it started. */
    record Looks(long full, long brief, long sessions) {
        static Looks in(Path store) throws IOException {
            Path file = store.resolve("looks");
            String text = Files.exists(file) ? Files.readString(file) : "";
            return new Looks(text.chars().filter(c -> c == 'f').count(), text.chars().filter(c -> c == 'b').count(),
                    text.chars().filter(c -> c == 's').count());
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
