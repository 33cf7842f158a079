package dev.meerkat.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a zoo.cfg as ZooKeeper does, with {@link java.util.Properties#load(java.io.Reader)}'s
 * syntax, but keeping where each entry came from: {@code key=value}, {@code key:value} and
 * {@code key value}; {@code #} and {@code !} comments; a line ending in an odd number of
 * backslashes continues on the next one (leading white space of the next line dropped); escapes
 * {@code \t \n \r \f \\uXXXX}, and a backslash before any other character stands for that
 * character. Like ZooKeeper's QuorumPeerConfig, keys and values are then trimmed.
 */
public final class ZooCfgReader {

    /** One key and value, and the line (1-based) its logical line started on. */
    public record Entry(String key, String value, int line) {
    }

    private ZooCfgReader() {
    }

    /**
     * The entries in file order (a later duplicate is kept too: the caller decides). Fails only on a
     * malformed {@code \\u} escape, as Properties does, naming the file and line.
     */
    public static List<Entry> read(String name, List<String> lines) {
        List<Entry> out = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            int start = i;
            String first = stripLeading(lines.get(i++));
            if (first.isEmpty() || first.charAt(0) == '#' || first.charAt(0) == '!') continue;
            StringBuilder logical = new StringBuilder();
            String current = first;
            boolean continuedAtEnd = false;
            while (true) {
                if (endsWithContinuation(current)) {
                    logical.append(current, 0, current.length() - 1);
                    if (i >= lines.size()) {
                        continuedAtEnd = true;
                        break;
                    }
                    current = stripLeading(lines.get(i++));
                    // A blank line ends a continued line, as in Properties.
                    if (current.isEmpty()) break;
                } else {
                    logical.append(current);
                    break;
                }
            }
            // Properties drops a continued line that came to nothing, except at the very end of the input.
            if (logical.length() > 0 || continuedAtEnd) out.add(split(name, logical.toString(), start + 1));
        }
        return out;
    }

    private static Entry split(String name, String line, int lineNo) {
        int n = line.length();
        int keyEnd = 0;
        boolean escaped = false;
        for (; keyEnd < n; keyEnd++) {
            char c = line.charAt(keyEnd);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '=' || c == ':' || isWhite(c)) {
                break;
            }
        }
        int valueStart = keyEnd;
        while (valueStart < n && isWhite(line.charAt(valueStart))) valueStart++;
        if (valueStart < n && (line.charAt(valueStart) == '=' || line.charAt(valueStart) == ':')) {
            valueStart++;
            while (valueStart < n && isWhite(line.charAt(valueStart))) valueStart++;
        }
        String key = unescape(name, lineNo, line.substring(0, keyEnd));
        String value = unescape(name, lineNo, line.substring(valueStart));
        return new Entry(key.trim(), value.trim(), lineNo);
    }

    private static String unescape(String name, int lineNo, String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                if (c != '\\') sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 >= s.length()) {
                        throw new ConfigException(name + ":" + lineNo + ": malformed \\uxxxx escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException | StringIndexOutOfBoundsException ex) {
                        throw new ConfigException(name + ":" + lineNo + ": malformed \\uxxxx escape");
                    }
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) backslashes++;
        return backslashes % 2 == 1;
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && isWhite(s.charAt(i))) i++;
        return s.substring(i);
    }

    private static boolean isWhite(char c) {
        return c == ' ' || c == '\t' || c == '\f';
    }
}
