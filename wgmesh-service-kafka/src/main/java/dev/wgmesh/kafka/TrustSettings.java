package dev.wgmesh.kafka;

import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.trust.VerifyKey;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who this service is and whom it believes: its own Ed25519 signing key file, and per signer the public
 * keys it trusts (several during a key rollover). Env: WGMESH_TRUST_SIGNING_KEY_FILE,
 * WGMESH_TRUST_CONFIG_KEYS, WGMESH_TRUST_KEYGEN_KEYS, WGMESH_TRUST_RENDERER_KEYS, WGMESH_TRUST_DEPLOYER_KEYS
 * (comma-separated base64).
 */
@ConfigurationProperties("wgmesh.trust")
public record TrustSettings(Path signingKeyFile, List<String> configKeys, List<String> keygenKeys,
                            List<String> rendererKeys, List<String> deployerKeys) {

    public TrustSettings {
        configKeys = configKeys == null ? List.of() : List.copyOf(configKeys);
        keygenKeys = keygenKeys == null ? List.of() : List.copyOf(keygenKeys);
        rendererKeys = rendererKeys == null ? List.of() : List.copyOf(rendererKeys);
        deployerKeys = deployerKeys == null ? List.of() : List.copyOf(deployerKeys);
    }

    /** Every signer's trusted keys, parsed; a key that does not parse stops the start naming its setting. */
    Map<Signer, List<VerifyKey>> trusted() {
        Map<Signer, List<VerifyKey>> trusted = new EnumMap<>(Signer.class);
        trusted.put(Signer.CONFIG, parse(Signer.CONFIG, configKeys));
        trusted.put(Signer.KEYGEN, parse(Signer.KEYGEN, keygenKeys));
        trusted.put(Signer.RENDERER, parse(Signer.RENDERER, rendererKeys));
        trusted.put(Signer.DEPLOYER, parse(Signer.DEPLOYER, deployerKeys));
        return trusted;
    }

    /** The signers of which no key is trusted: every record they sign is refused. */
    List<Signer> untrusted() {
        return trusted().entrySet().stream().filter(entry -> entry.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    private static List<VerifyKey> parse(Signer signer, List<String> keys) {
        return keys.stream().filter(key -> !key.isBlank()).map(key -> {
            try {
                return VerifyKey.parse(key);
            } catch (InvalidValueException e) {
                throw new IllegalStateException(signer.trustProperty() + ": " + e.getMessage(), e);
            }
        }).toList();
    }
}
