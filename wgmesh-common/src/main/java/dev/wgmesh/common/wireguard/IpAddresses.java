package dev.wgmesh.common.wireguard;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP address literals only: never a DNS lookup. */
final class IpAddresses {

    private IpAddresses() {
    }

    static boolean isLiteral(String text) {
        return parseOrNull(text) != null;
    }

    /** The address, or null when the text is not an IPv4 dotted quad or an IPv6 literal. */
    static InetAddress parseOrNull(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.contains(":")) {
            if (!text.matches("[0-9a-fA-F:.]+")) {
                return null;
            }
        } else if (!text.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static BigInteger toNumber(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    static InetAddress fromNumber(BigInteger number, int bytes) {
        byte[] raw = number.toByteArray();
        byte[] out = new byte[bytes];
        int copy = Math.min(raw.length, bytes);
        System.arraycopy(raw, raw.length - copy, out, bytes - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static String format(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        return zone < 0 ? compress(text) : compress(text.substring(0, zone));
    }

    /** Java prints IPv6 uncompressed; WireGuard and people write the short form. */
    private static String compress(String text) {
        if (!text.contains(":")) {
            return text;
        }
        String[] groups = text.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return text;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
