package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a host keeps its wg-quick files. */
public enum HostOs {
    LINUX("/etc/wireguard"),
    FREEBSD("/usr/local/etc/wireguard");

    private final String configDirectory;

    HostOs(String configDirectory) {
        this.configDirectory = configDirectory;
    }

    public String configDirectory() {
        return configDirectory;
    }

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }
}
