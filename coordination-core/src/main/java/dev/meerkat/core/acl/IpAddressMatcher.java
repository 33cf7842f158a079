package dev.meerkat.core.acl;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The ip scheme: an ACL id is an address, optionally with {@code /bits}; a client matches by its own address. */
final class IpAddressMatcher {

    private IpAddressMatcher() {
    }

    static boolean isValid(String spec) {
        return parse(spec) != null;
    }

    static boolean matches(String spec, String clientAddress) {
        Network net = parse(spec);
        byte[] client = literal(clientAddress);
        if (net == null || client == null || client.length != net.address.length) return false;
        int bits = net.bits;
        for (int i = 0; i < client.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((client[i] & mask) != (net.address[i] & mask)) return false;
        }
        return true;
    }

    private record Network(byte[] address, int bits) {
    }

    private static Network parse(String spec) {
        String[] parts = spec.split("/", -1);
        if (parts.length > 2) return null;
        byte[] address = literal(parts[0]);
        if (address == null) return null;
        int bits = address.length * 8;
        if (parts.length == 2) {
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (bits < 0 || bits > address.length * 8) return null;
        }
        return new Network(address, bits);
    }

    /** Parses an address literal only: never a host name, so no lookup can block the caller. */
    private static byte[] literal(String s) {
        if (s.isEmpty()) return null;
        boolean v4 = s.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (v4) {
            String[] octets = s.split("\\.", -1);
            if (octets.length != 4) return null;
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (octets[i].isEmpty() || octets[i].length() > 3) return null;
                int v = Integer.parseInt(octets[i]);
                if (v > 255) return null;
                out[i] = (byte) v;
            }
            return out;
        }
        if (v6) {
            try {
                return InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
