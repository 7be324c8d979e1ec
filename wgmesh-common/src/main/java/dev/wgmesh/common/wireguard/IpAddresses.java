package dev.wgmesh.common.wireguard;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IP address literals only: never a DNS lookup. */
final class IpAddresses {

    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");

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
        if (!text.contains(":")) {
            byte[] quad = dottedQuad(text);
            return quad == null ? null : of(quad);
        }
        if (!IPV6_CHARACTERS.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Four decimal octets 0..255 without leading zeros (which some tools read as octal), or null. */
    private static byte[] dottedQuad(String text) {
        byte[] octets = new byte[4];
        int count = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || count == 4) {
                    return null;
                }
                octets[count++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && !(digits == 1 && value == 0)) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return count == 4 ? octets : null;
    }

    static InetAddress of(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a length other than 4 or 16
        }
    }

    /** The address with every bit after the first {@code prefix} cleared: its network's address. */
    static byte[] masked(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    static BigInteger toNumber(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    static InetAddress fromNumber(BigInteger number, int bytes) {
        byte[] raw = number.toByteArray();
        byte[] out = new byte[bytes];
        int copy = Math.min(raw.length, bytes);
        System.arraycopy(raw, raw.length - copy, out, bytes - copy, copy);
        return of(out);
    }

    static String format(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 4) { // the common case, without the JDK's general formatting
            return (raw[0] & 0xff) + "." + (raw[1] & 0xff) + "." + (raw[2] & 0xff) + "." + (raw[3] & 0xff);
        }
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
