package dev.meerkat.server.config;

/** Typed values of configuration keys, each failure naming the file and line. */
final class Values {
    private Values() {
    }

    static int intValue(String where, String key, String value, int min, int max) {
        return (int) longValue(where, key, value, min, max);
    }

    static long longValue(String where, String key, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + key + " must be a whole number, not '" + value + "'");
        }
        if (v < min || v > max) throw new ConfigException(where + ": " + key + " must be between " + min + " and " + max + ", not " + v);
        return v;
    }

    static boolean bool(String where, String key, String value) {
        if (value.equalsIgnoreCase("true")) return true;
        if (value.equalsIgnoreCase("false")) return false;
        throw new ConfigException(where + ": " + key + " must be true or false, not '" + value + "'");
    }
}
