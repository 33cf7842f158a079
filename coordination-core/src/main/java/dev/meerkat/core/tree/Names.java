package dev.meerkat.core.tree;

import java.nio.charset.StandardCharsets;

/**
 * A znode keeps only its own name (the last path segment), as UTF-8 bytes: the full path is the
 * walk from the root, so no node pays for its ancestors' names. Hashes are {@link String#hashCode}
 * of the name, which is also what ZooKeeper's child order depends on ({@link ChildTable}).
 * Names are mostly ASCII, and every operation here has an allocation-free path for ASCII.
 */
final class Names {
    static final byte[] ROOT = new byte[0];

    private Names() {
    }

    /** The UTF-8 bytes of {@code s[from, to)}. */
    static byte[] encode(String s, int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) return s.substring(from, to).getBytes(StandardCharsets.UTF_8);
            b[i - from] = (byte) c;
        }
        return b;
    }

    static String decode(byte[] name) {
        return new String(name, isAscii(name) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** {@code s.substring(from, to).hashCode()} without the substring. */
    static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
        return h;
    }

    /** {@code decode(name).hashCode()}. */
    static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            if (b < 0) return decode(name).hashCode();
            h = 31 * h + b;
        }
        return h;
    }

    /** Whether {@code name} is the UTF-8 encoding of {@code s[from, to)}. */
    static boolean matches(byte[] name, String s, int from, int to) {
        int n = to - from;
        if (name.length < n) return false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(from + i);
            if (c >= 0x80) return java.util.Arrays.equals(name, encode(s, from, to));
            if (name[i] != (byte) c) return false;
        }
        return name.length == n;
    }

    /** Length in UTF-16 chars, i.e. {@code decode(name).length()}. */
    static int chars(byte[] name) {
        return isAscii(name) ? name.length : decode(name).length();
    }

    private static boolean isAscii(byte[] name) {
        for (byte b : name) {
            if (b < 0) return false;
        }
        return true;
    }
}
