package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedPeer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code wgmesh-apply status} prints for a host that runs exactly these files, every peer with the
 * given handshake and counters; tests then change its lines as an operator or a fault would.
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
            String name = file.getKey().substring(0, file.getKey().length() - ".conf".length());
            ParsedConfig config = WgConfigParser.parse(new String(file.getValue(), StandardCharsets.UTF_8));
            lines.add(String.join("\t", "interface", name, "up", String.valueOf(config.listenPort()),
                    X25519Keys.publicKeyOf(config.privateKey()).base64(),
                    config.mtu() == null ? "-" : config.mtu().toString()));
            lines.add(String.join("\t", "file", name, ExpectedHost.sha256(file.getValue())));
            config.addresses().forEach(address -> lines.add(String.join("\t", "address", name, address.toString())));
            for (ParsedPeer peer : config.peers()) {
                String psk = ExpectedHost.presharedKeySha256(peer.presharedKey());
                lines.add(String.join("\t", "peer", name, peer.publicKey().base64(), psk == null ? "none" : psk,
                        peer.endpoint() == null ? "none" : peer.endpoint().toString(),
                        peer.allowedIps().stream().map(Cidr::toString).sorted().collect(Collectors.joining(",")),
                        String.valueOf(handshake), String.valueOf(rxBytes), "2000",
                        peer.persistentKeepalive() == null ? "off" : peer.persistentKeepalive().toString()));
            }
        }
        lines.add("end");
        return lines;
    }

    static String text(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }
}
