package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.regex.Pattern;

/** An interface address with its network's prefix, such as {@code 198.19.1.10/24} (wg-quick's Address). */
public record InterfaceAddress(InetAddress address, int prefix) {

    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    public InterfaceAddress {
        int max = address.getAddress().length * 8;
        if (prefix < 0 || prefix > max) {
            throw new InvalidValueException("prefix " + prefix + " is out of range 0.." + max);
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static InterfaceAddress parse(String text) {
        return parse(text, "an address/prefix");
    }

    static InterfaceAddress parse(String text, String what) {
        if (text == null) {
            throw InvalidValueException.of(what, null, "");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw InvalidValueException.of(what, text, "the /prefix is missing");
        }
        InetAddress address = IpAddresses.parseOrNull(text.substring(0, slash));
        if (address == null) {
            throw InvalidValueException.of(what, text, "not an IP address");
        }
        String prefixText = text.substring(slash + 1);
        int max = address.getAddress().length * 8;
        if (!PREFIX.matcher(prefixText).matches() || Integer.parseInt(prefixText) > max) {
            throw InvalidValueException.of(what, text, "the prefix must be 0.." + max);
        }
        return new InterfaceAddress(address, Integer.parseInt(prefixText));
    }

    public Cidr network() {
        return new Cidr(IpAddresses.of(IpAddresses.masked(address.getAddress(), prefix)), prefix);
    }

    /** The address {@code offset} places further on, with the same prefix; it may leave the network. */
    public InterfaceAddress plus(long offset) {
        int bytes = address.getAddress().length;
        BigInteger next = IpAddresses.toNumber(address).add(BigInteger.valueOf(offset));
        if (next.signum() < 0 || next.bitLength() > bytes * 8) {
            throw new InvalidValueException(this + " + " + offset + " leaves the address space");
        }
        return new InterfaceAddress(IpAddresses.fromNumber(next, bytes), prefix);
    }

    public Cidr asHostRoute() {
        return Cidr.host(address);
    }

    @JsonValue
    @Override
    public String toString() {
        return IpAddresses.format(address) + "/" + prefix;
    }
}
