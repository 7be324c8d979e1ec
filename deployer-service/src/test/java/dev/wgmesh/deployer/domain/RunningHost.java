package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedPeer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code wgmesh-apply status} prints for a host that runs exactly these files, every peer with the
 * given handshake and counters; tests then change its lines as an operator or a fault would. The digest
 * lines are made as wgmesh-apply makes them (of the interface, file and address lines and each peer's key,
 * preshared key, allowed IPs and keepalive), and {@link #brief} is what it prints when asked to be brief.
 */
final class RunningHost {

    private RunningHost() {
    }

    static List<String> status(DesiredFiles files, long handshake) {
        return status(files, handshake, 1000);
    }

    static List<String> status(DesiredFiles files, long handshake, long rxBytes) {
        List<String> lines = new ArrayList<>();
        lines.add(StatusParser.HEADER);
        for (Map.Entry<String, byte[]> file : files.files().entrySet()) {
            int first = lines.size();
            String name = file.getKey().substring(0, file.getKey().length() - ".conf".length());
            ParsedConfig config = WgConfigParser.parse(new String(file.getValue(), StandardCharsets.UTF_8));
            lines.add(String.join("\t", "interface", name, "up", String.valueOf(config.listenPort()),
                    X25519Keys.publicKeyOf(config.privateKey()).base64(),
                    config.mtu() == null ? "-" : config.mtu().toString()));
            lines.add(String.join("\t", "file", name, ExpectedHost.sha256(file.getValue())));
            config.addresses().forEach(address -> lines.add(String.join("\t", "address", name, address.toString())));
            StringBuilder digested = new StringBuilder();
            lines.subList(first, lines.size()).forEach(line -> digested.append(line).append('\n'));
            for (ParsedPeer peer : config.peers()) {
                String psk = ExpectedHost.presharedKeySha256(peer.presharedKey());
                String allowedIps = peer.allowedIps().stream().map(Cidr::toString).sorted().collect(Collectors.joining(","));
                String keepalive = peer.persistentKeepalive() == null ? "off" : peer.persistentKeepalive().toString();
                lines.add(String.join("\t", "peer", name, peer.publicKey().base64(), psk == null ? "none" : psk,
                        peer.endpoint() == null ? "none" : peer.endpoint().toString(), allowedIps,
                        String.valueOf(handshake), String.valueOf(rxBytes), "2000", keepalive));
                digested.append(String.join("\t", "peer", name, peer.publicKey().base64(),
                        peer.presharedKey() == null ? "none" : peer.presharedKey().base64(), allowedIps, keepalive)).append('\n');
            }
            lines.add(String.join("\t", "digest", name,
                    ExpectedHost.sha256(digested.toString().getBytes(StandardCharsets.UTF_8))));
        }
        lines.add("end");
        return lines;
    }

    /** What a host with this full status prints when asked to be brief about handshakes since {@code since}. */
    static String brief(List<String> status, long since) {
        List<String> lines = new ArrayList<>(List.of(StatusParser.BRIEF_HEADER));
        Map<String, Integer> stale = new HashMap<>();
        for (String line : status) {
            String[] fields = line.split("\t", -1);
            if (fields[0].equals("peer") && Long.parseLong(fields[6]) < since) {
                stale.merge(fields[1], 1, Integer::sum);
            }
            if (fields[0].equals("digest")) {
                lines.add(String.join("\t", "interface", fields[1], fields[2], String.valueOf(stale.getOrDefault(fields[1], 0))));
            }
        }
        lines.add("end");
        return text(lines);
    }

    static String text(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }
}
