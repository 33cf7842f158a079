package dev.meerkat.core.cluster.transport;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The first frame on a peer link: who connects, whom it means to reach, and the ensemble it is
 * configured with. The receiving server refuses the link unless all three agree with its own view.
 */
record Hello(int version, long fromId, long toId, long fingerprint, String quorumShape) {
    static final int MAGIC = 0x4d4b5052; // "MKPR"
    static final int VERSION = 1;

    byte[] encode() {
        byte[] shape = quorumShape.getBytes(StandardCharsets.US_ASCII);
        Buffer b = Buffer.buffer().appendInt(MAGIC).appendInt(version).appendLong(fromId).appendLong(toId)
                .appendLong(fingerprint).appendInt(shape.length).appendBytes(shape);
        return b.getBytes();
    }

    /** Null when the bytes are not a hello at all. */
    static Hello decode(Buffer b) {
        if (b.length() < 36 || b.getInt(0) != MAGIC) return null;
        int shapeLength = b.getInt(32);
        if (shapeLength < 0 || shapeLength > b.length() - 36 || shapeLength > 1 << 16) return null;
        return new Hello(b.getInt(4), b.getLong(8), b.getLong(16), b.getLong(24),
                b.getString(36, 36 + shapeLength, "US-ASCII"));
    }

    /** Why a link was refused. */
    enum Refusal {
        NOT_A_PEER, WRONG_SERVER, UNKNOWN_SERVER, CONFIG_MISMATCH, VERSION;

        static Refusal of(int code) {
            Refusal[] all = values();
            return code >= 0 && code < all.length ? all[code] : NOT_A_PEER;
        }
    }

    static byte[] refusal(Refusal reason, String detail) {
        byte[] text = detail.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer().appendInt(reason.ordinal()).appendInt(text.length).appendBytes(text).getBytes();
    }
}
