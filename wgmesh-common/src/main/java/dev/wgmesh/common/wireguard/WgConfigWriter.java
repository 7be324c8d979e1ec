package dev.wgmesh.common.wireguard;

import java.util.List;
import java.util.function.Function;

/** Writes a wg-quick .conf file; the only place where secrets, or any value, become text. */
public final class WgConfigWriter {

    private WgConfigWriter() {
    }

    /**
     * @param privateKey   the host's private key
     * @param presharedKey the preshared key for a peer's public key; only asked for peers that use one
     * @throws InvalidValueException when a value holds a line break or '#' (see {@link #value})
     */
    public static String write(WgConfig config, SecretKey privateKey, Function<PublicKey, SecretKey> presharedKey) {
        StringBuilder out = new StringBuilder(256 + 200 * config.peers().size());
        out.append("# ").append(value("interface name", config.name()))
                .append(": written by wgmesh, changes here are overwritten\n");
        out.append("[Interface]\n");
        if (!config.addresses().isEmpty()) {
            line(out, "Address", join(config.addresses()));
        }
        line(out, "ListenPort", config.listenPort());
        line(out, "PrivateKey", privateKey.base64());
        if (config.mtu() != null) {
            line(out, "MTU", config.mtu());
        }
        for (WgConfig.Peer peer : config.peers()) {
            out.append("\n# ").append(value("peer name", peer.host())).append('\n');
            out.append("[Peer]\n");
            line(out, "PublicKey", peer.publicKey().base64());
            if (peer.presharedKey()) {
                line(out, "PresharedKey", presharedKey.apply(peer.publicKey()).base64());
            }
            line(out, "AllowedIPs", join(peer.allowedIps()));
            line(out, "Endpoint", peer.endpoint());
            if (peer.persistentKeepalive() != null) {
                line(out, "PersistentKeepalive", peer.persistentKeepalive());
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(key).append(" = ").append(value(key, value)).append('\n');
    }

    /**
     * Every value of the file passes here. The types already refuse these characters; this is the last
     * line: a line break would end the value's line and start one of the writer's choosing (wg-quick runs
     * a {@code PreUp} as root), and a '#' would cut the value short.
     */
    static String value(String field, Object value) {
        String text = String.valueOf(value);
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('#') >= 0) {
            // a key's value may be a secret: name the field, never quote it
            String shown = field.endsWith("Key") ? "" : " " + InvalidValueException.quote(text);
            throw new InvalidValueException(field + shown + " holds a line break or '#', which a config file cannot carry");
        }
        return text;
    }

    private static String join(List<?> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(values.get(i));
        }
        return out.toString();
    }
}
