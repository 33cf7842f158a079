package dev.meerkat.it.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What "the same output" means between two servers whose numbers, addresses and session ids differ:
 * text answers reduced to their lines with values replaced by their type, key/value answers to
 * keys and value types, JSON to field names and value types.
 */
final class Shapes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATE = Pattern.compile("[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} [A-Z]+ \\d{4}");
    private static final Pattern ADDRESS = Pattern.compile("/?\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]+");
    private static final Pattern FLOAT = Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?");
    private static final Pattern INT = Pattern.compile("(?<![\\w<])-?\\d+(?![\\w>])");

    private Shapes() {
    }

    /** One line with its values replaced: dates, addresses, hex ids, floats, integers. */
    static String line(String line) {
        String s = line;
        if (s.startsWith("Zookeeper version: ")) return "Zookeeper version: <version>";
        s = DATE.matcher(s).replaceAll("<date>");
        s = ADDRESS.matcher(s).replaceAll("<addr>");
        s = HEX.matcher(s).replaceAll("<hex>");
        s = s.replaceAll("lop=[A-Z0-9]+", "lop=<op>");
        s = FLOAT.matcher(s).replaceAll("<float>");
        s = INT.matcher(s).replaceAll("<int>");
        return s;
    }

    /** The distinct line shapes of a text answer. */
    static Set<String> lines(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : text.split("\n", -1)) out.add(line(l));
        return out;
    }

    /** The type of a printed value: int, float or string. */
    static String type(String value) {
        if (value.matches("-?\\d+")) return "int";
        if (value.matches("-?\\d+\\.\\d+(E-?\\d+)?|NaN|-?Infinity")) return "float";
        return "string";
    }

    /** key -> value type, for "key{sep}value" lines (mntr: tab, conf and envi: '='). */
    static Map<String, String> keyed(String text, String separator) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : text.split("\n")) {
            int i = l.indexOf(separator);
            if (i < 0) continue;
            out.put(l.substring(0, i), type(l.substring(i + separator.length())));
        }
        return out;
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    /**
     * Field names and value types, recursively. Objects whose keys are data (session ids, times,
     * paths) collapse to one "*" entry; arrays to their first element's shape ("[]" when empty).
     */
    static Object json(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> out = new TreeMap<>();
            boolean dataKeys = true;
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!(k.matches("-?\\d+") || k.startsWith("/"))) dataKeys = false;
            }
            if (dataKeys && n.size() > 0) {
                out.put("*", json(n.elements().next()));
                return out;
            }
            n.fields().forEachRemaining(e -> out.put(e.getKey(), json(e.getValue())));
            return out;
        }
        if (n.isArray()) return n.isEmpty() ? "[]" : java.util.List.of(json(n.get(0)));
        if (n.isIntegralNumber()) return "int";
        if (n.isFloatingPointNumber()) return "float";
        if (n.isBoolean()) return "boolean";
        if (n.isNull()) return "null";
        return "string";
    }
}
