package dev.wgmesh.common.group;

/** How a request named one host's fields, so a problem points at the field the client sent. */
public record HostPaths(String prefix, boolean hosterRecord) {

    static HostPaths ownForm(String prefix) {
        return new HostPaths(prefix, false);
    }

    static HostPaths hoster(String prefix) {
        return new HostPaths(prefix, true);
    }

    public String name() {
        return prefix + (hosterRecord ? ".hostname" : ".name");
    }

    public String endpoint() {
        return prefix + (hosterRecord ? ".wg.endpoint_address" : ".endpoint");
    }

    public String internalNetworks() {
        return prefix + (hosterRecord ? ".wg.allowed_subnets" : ".internalNetworks");
    }

    public String tunnelSegment() {
        return prefix + (hosterRecord ? ".wg.net_segment" : ".tunnelSegment");
    }

    public String interfaceSuffix() {
        return prefix + (hosterRecord ? ".wg.interface_suffix" : ".interfaceSuffix");
    }
}
