package dev.meerkat.wire.proto;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared sample values, chosen to hit extremes: nulls, empties, signs, non-ASCII. */
final class Samples {
    private Samples() {
    }

    static final Stat STAT = new Stat(0x1_0000_0001L, Long.MAX_VALUE, 1_700_000_000_123L, Long.MIN_VALUE,
            Integer.MAX_VALUE, -1, 0, 0x7e57_5e55_1011L, 1_048_575, 42, -7L);
    static final Stat ZERO_STAT = new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    static final List<ACL> MIXED = List.of(
            new ACL(1, new Id("digest", "user:uYzZQ3TJyXvTNm0f2gO1oS9ZrEc=")),
            new ACL(0x7fffffff, new Id("ip", "10.0.0.0/8")),
            new ACL(-1, new Id(null, "")));

    static final byte[] DATA = "hello, zookeeper \u00e9\u4e2d".getBytes(StandardCharsets.UTF_8);
    static final String UNICODE_PATH = "/\u00fcn\u00efc\u00f6de/\u4e2d\u6587/\u0394";

    /** Larger than most buffers: exercises growth of JuteOutput. */
    static byte[] big(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
