package dev.wgmesh.e2e;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.e2e.lab.Lab;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the file target wrote for a group: host -> interface -> parsed config. */
record DeployedFiles(Map<String, Map<String, ParsedConfig>> hosts) {

    static DeployedFiles read(Path groupDir) {
        Map<String, Map<String, ParsedConfig>> hosts = new TreeMap<>();
        if (!Files.isDirectory(groupDir)) {
            return new DeployedFiles(hosts);
        }
        try (Stream<Path> hostDirs = Files.list(groupDir)) {
            for (Path hostDir : hostDirs.filter(Files::isDirectory).toList()) {
                Map<String, ParsedConfig> interfaces = new TreeMap<>();
                try (Stream<Path> files = Files.list(hostDir)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".conf")).toList()) {
                        String name = file.getFileName().toString().replace(".conf", "");
                        interfaces.put(name, WgConfigParser.parse(Files.readString(file)));
                    }
                }
                hosts.put(hostDir.getFileName().toString(), interfaces);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DeployedFiles(hosts);
    }

    /** What wgmesh-apply installed in the lab hosts' /etc/wireguard. */
    static DeployedFiles read(Lab lab, List<String> hosts) {
        Map<String, Map<String, ParsedConfig>> read = new TreeMap<>();
        for (String host : hosts) {
            Map<String, ParsedConfig> interfaces = new TreeMap<>();
            String names = lab.exec(host, "ls", "/etc/wireguard").orThrow().stdout();
            for (String file : names.lines().filter(f -> f.endsWith(".conf")).toList()) {
                String text = lab.exec(host, "cat", "/etc/wireguard/" + file).orThrow().stdout();
                interfaces.put(file.replace(".conf", ""), WgConfigParser.parse(text));
            }
            read.put(host, interfaces);
        }
        return new DeployedFiles(read);
    }

    /** The public key of each host, from the private key in its files (all of a host's files share it). */
    Map<String, PublicKey> publicKeys() {
        Map<String, PublicKey> keys = new TreeMap<>();
        hosts.forEach((host, interfaces) -> interfaces.values().stream().findFirst()
                .ifPresent(c -> keys.put(host, X25519Keys.publicKeyOf(c.privateKey()))));
        return keys;
    }

    /** Every private and preshared key in the files, in base64, for the leak scan. */
    Stream<String> secrets() {
        return hosts.values().stream().flatMap(i -> i.values().stream()).flatMap(c -> Stream.concat(
                Stream.of(c.privateKey().base64()),
                c.peers().stream().filter(p -> p.presharedKey() != null).map(p -> p.presharedKey().base64())));
    }
}
