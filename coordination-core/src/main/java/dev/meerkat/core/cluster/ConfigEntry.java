package dev.meerkat.core.cluster;

import dev.meerkat.core.raft.Membership;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The data of a CONFIG log entry. Raft reads only the membership at its head (see
 * {@link Membership#decode}); the rest is the ensemble as clients see it in
 * {@code /zookeeper/config}, the leader's clock when it proposed the change, and, on the entry that
 * completes a reconfig request, who is waiting for the answer.
 *
 * @param config        the servers; their version is given when the entry is applied (its zxid)
 * @param timeMs        the leader's wall clock, the znode's mtime
 * @param originServer  the server holding the client that asked, or 0
 * @param requestId     that server's id for the waiting request, or 0
 */
public record ConfigEntry(DynamicConfig config, long timeMs, long originServer, long requestId) {
    private static final int MAGIC = 0x4d4b4346; // "MKCF"

    public Membership membership() {
        return config.membership();
    }

    public byte[] encode() {
        byte[] head = membership().encode();
        byte[] text = config.serverLines().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(head.length + 4 + 8 * 3 + 4 + text.length);
        b.put(head).putInt(MAGIC).putLong(timeMs).putLong(originServer).putLong(requestId).putInt(text.length).put(text);
        return b.array();
    }

    /**
     * Reads an entry's data; null when it carries only a membership (a change made by the Raft
     * engine alone, as in its tests, with no server addresses).
     *
     * @throws IllegalArgumentException when the data is damaged or disagrees with itself
     */
    public static ConfigEntry decode(byte[] data, long zxid) {
        Membership m = Membership.decode(data);
        int headLength = 8 + 8 * (m.voters().size() + m.learners().size());
        if (data.length == headLength) return null;
        ByteBuffer b = ByteBuffer.wrap(data, headLength, data.length - headLength);
        if (b.remaining() < 32 || b.getInt() != MAGIC) throw new IllegalArgumentException("config entry " + zxid + " has a damaged trailer");
        long time = b.getLong();
        long origin = b.getLong();
        long request = b.getLong();
        int n = b.getInt();
        if (n < 0 || n != b.remaining()) throw new IllegalArgumentException("config entry " + zxid + " has a damaged text");
        String text = new String(data, b.position(), n, StandardCharsets.UTF_8);
        DynamicConfig config = DynamicConfig.parse(text).withVersion(zxid);
        if (!config.membership().equals(m)) {
            throw new IllegalStateException("config entry " + zxid + ": membership " + m + " but servers " + config.membership());
        }
        return new ConfigEntry(config, time, origin, request);
    }
}
