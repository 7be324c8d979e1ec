package dev.wgmesh.common.wireguard;

import java.util.List;
import java.util.function.Function;

/** Writes a wg-quick .conf file; the only place where secrets become text. */
public final class WgConfigWriter {

    private WgConfigWriter() {
    }

    /**
     * @param privateKey   the host's private key
     * @param presharedKey the preshared key for a peer's public key; only asked for peers that use one
     */
    public static String write(WgConfig config, SecretKey privateKey, Function<PublicKey, SecretKey> presharedKey) {
        StringBuilder out = new StringBuilder(256 + 200 * config.peers().size());
        out.append("# ").append(config.name()).append(": written by wgmesh, changes here are overwritten\n");
        out.append("[Interface]\n");
        if (!config.addresses().isEmpty()) {
            join(out.append("Address = "), config.addresses()).append('\n');
        }
        out.append("ListenPort = ").append(config.listenPort()).append('\n');
        out.append("PrivateKey = ").append(privateKey.base64()).append('\n');
        if (config.mtu() != null) {
            out.append("MTU = ").append(config.mtu()).append('\n');
        }
        for (WgConfig.Peer peer : config.peers()) {
            out.append('\n');
            out.append("# ").append(peer.host()).append('\n');
            out.append("[Peer]\n");
            out.append("PublicKey = ").append(peer.publicKey().base64()).append('\n');
            if (peer.presharedKey()) {
                out.append("PresharedKey = ").append(presharedKey.apply(peer.publicKey()).base64()).append('\n');
            }
            join(out.append("AllowedIPs = "), peer.allowedIps()).append('\n');
            out.append("Endpoint = ").append(peer.endpoint()).append('\n');
            if (peer.persistentKeepalive() != null) {
                out.append("PersistentKeepalive = ").append(peer.persistentKeepalive()).append('\n');
            }
        }
        return out.toString();
    }

    private static StringBuilder join(StringBuilder out, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(values.get(i));
        }
        return out;
    }
}
