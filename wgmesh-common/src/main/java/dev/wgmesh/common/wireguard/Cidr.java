package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.util.Arrays;

/** A network in CIDR form, such as {@code 10.10.101.0/24}; host bits must be zero. */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int max = network.getAddress().length * 8;
        if (prefix < 0 || prefix > max) {
            throw new InvalidValueException("prefix " + prefix + " is out of range 0.." + max);
        }
        if (!Arrays.equals(IpAddresses.masked(network.getAddress(), prefix), network.getAddress())) {
            throw new InvalidValueException("\"" + IpAddresses.format(network) + "/" + prefix
                    + "\" has host bits set");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Cidr parse(String text) {
        InterfaceAddress address = InterfaceAddress.parse(text, "a CIDR");
        Cidr network = address.network();
        if (!network.network().equals(address.address())) {
            throw InvalidValueException.of("a CIDR", text, "host bits are set, the network is " + network);
        }
        return network;
    }

    /** A single address as a /32 or /128. */
    public static Cidr host(InetAddress address) {
        return new Cidr(address, address.getAddress().length * 8);
    }

    public boolean isIpv4() {
        return network.getAddress().length == 4;
    }

    public int bits() {
        return network.getAddress().length * 8;
    }

    public boolean contains(InetAddress address) {
        if (address.getAddress().length != network.getAddress().length) {
            return false;
        }
        return Arrays.equals(IpAddresses.masked(address.getAddress(), prefix), network.getAddress());
    }

    public boolean overlaps(Cidr other) {
        return other.isIpv4() == isIpv4() && (contains(other.network) || other.contains(network));
    }

    /** How many addresses the network holds, capped at Long.MAX_VALUE for large IPv6 networks. */
    public long size() {
        int hostBits = bits() - prefix;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    @JsonValue
    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefix;
    }
}
