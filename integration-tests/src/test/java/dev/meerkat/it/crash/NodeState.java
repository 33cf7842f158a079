package dev.meerkat.it.crash;

import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;

/**
 * What the test knows of one znode: its data and the stat fields a lost or replayed write would change.
 * In an expected state, {@link #UNKNOWN} zxids stand for "a zxid the client never saw" (a write whose
 * reply was lost to the kill); they match any zxid above the floor of that burst.
 */
record NodeState(String data, int version, long czxid, long mzxid) {
    static final long UNKNOWN = -1;

    static NodeState of(byte[] data, Stat stat) {
        return new NodeState(data == null ? null : new String(data, StandardCharsets.UTF_8), stat.getVersion(), stat.getCzxid(), stat.getMzxid());
    }

    NodeState withWrite(String newData, long zxid) {
        return new NodeState(newData, version + 1, czxid, zxid);
    }

    static NodeState created(String data, long zxid) {
        return new NodeState(data, 0, zxid, zxid);
    }

    @Override
    public String toString() {
        return "{data=" + data + ", version=" + version + ", czxid=" + zx(czxid) + ", mzxid=" + zx(mzxid) + "}";
    }

    private static String zx(long z) {
        return z == UNKNOWN ? "?" : "0x" + Long.toHexString(z);
    }
}
