package dev.wgmesh.common.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How wgmesh names a public key in a header or a sealed secret: the first 8 bytes of its SHA-256, in hex.
 * One rule for the services' signing keys and the deployers' sealing keys.
 */
public final class KeyIds {

    private KeyIds() {
    }

    public static String of(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
