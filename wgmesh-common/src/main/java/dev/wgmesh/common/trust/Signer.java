package dev.wgmesh.common.trust;

import java.util.Locale;

/**
 * The services that sign records, each the only one trusted on the topics it owns (see
 * {@code Topics.ALL}): config-service the changes, keygen the keys, the renderer the hosts' configs and
 * peer tables, the deployers their reports.
 */
public enum Signer {
    CONFIG("config-service"),
    KEYGEN("keygen-service"),
    RENDERER("renderer-service"),
    DEPLOYER("deployer-service");

    private final String service;

    Signer(String service) {
        this.service = service;
    }

    /** The CloudEvents {@code ce_source} of this service's records, such as {@code /wgmesh/keygen-service}. */
    public String source() {
        return "/wgmesh/" + service;
    }

    /** The setting that lists this signer's trusted public keys, such as {@code wgmesh.trust.keygen-keys}. */
    public String trustProperty() {
        return "wgmesh.trust." + name().toLowerCase(Locale.ROOT) + "-keys";
    }

    /** The name in keys' file names and in reasons: {@code config}, {@code keygen}, ... */
    public String role() {
        return name().toLowerCase(Locale.ROOT);
    }
}
