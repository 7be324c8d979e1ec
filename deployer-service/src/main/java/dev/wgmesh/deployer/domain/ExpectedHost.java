package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a host should run, without a secret: each interface's declared values (peers named by host), the
 * public key of its private key, the SHA-256 of its file, and for each peer the first 8 bytes of the
 * SHA-256 of its preshared key (0: none), enough to tell a changed key and small enough for a thousand
 * hosts of a thousand peers. Made with the files a deployer writes ({@link SecretFiller#fill}), so an
 * observation compares values and never opens a secret.
 */
public final class ExpectedHost {

    /** {@code presharedKeyIds[i]} belongs to {@code config.peers().get(i)}. */
    record ExpectedInterface(WgConfig config, PublicKey publicKey, String fileSha256, long[] presharedKeyIds) {
    }

    private final List<ExpectedInterface> interfaces;

    ExpectedHost(List<ExpectedInterface> interfaces) {
        this.interfaces = List.copyOf(interfaces);
    }

    List<ExpectedInterface> interfaces() {
        return interfaces;
    }

    /** The hex SHA-256 of the interface's declared file, null when the interface is not declared. */
    String fileSha256(InterfaceName name) {
        return interfaces.stream().filter(i -> i.config().name().equals(name)).map(ExpectedInterface::fileSha256)
                .findFirst().orElse(null);
    }

    /** The hex SHA-256 of the bytes. */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest(bytes));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How wgmesh-apply status shows a preshared key: the hex SHA-256 of its base64 text; null for none. */
    static String presharedKeySha256(SecretKey key) {
        return key == null ? null : sha256(key.base64().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The first 8 bytes of {@link #presharedKeySha256}, 0 for none: read from the digest, as a thousand peers a
     * host make the hex text and its parsing back a cost of their own.
     */
    static long presharedKeyId(SecretKey key) {
        return key == null ? 0 : ByteBuffer.wrap(digest(key.base64().getBytes(StandardCharsets.US_ASCII))).getLong();
    }

    static long idOf(String sha256Hex) {
        return sha256Hex == null ? 0 : Long.parseUnsignedLong(sha256Hex.substring(0, 16), 16);
    }
}
