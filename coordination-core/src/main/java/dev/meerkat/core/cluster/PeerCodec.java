package dev.meerkat.core.cluster;

import dev.meerkat.core.raft.RaftMessageCodec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link PeerMessage}: a type byte, then the fields big-endian. Raft messages
 * keep {@link RaftMessageCodec}'s format after the type byte. Lengths are checked before anything
 * is allocated, since the bytes come from the network.
 */
public final class PeerCodec {
    static final byte RAFT = 1;
    static final byte FORWARD = 2;
    static final byte FORWARD_REFUSED = 3;
    static final byte TOUCHES = 4;
    static final byte RECONFIG = 5;
    static final byte RECONFIG_FAILED = 6;
    static final byte RECONFIG_MOVED = 7;
    static final byte TRANSFER_LEADERSHIP = 8;
    private static final int MAX_TEXT = 1 << 20;

    private static final int MAX_COUNT = 1 << 20;
    private static final int MAX_COMMAND = 64 << 20;

    private PeerCodec() {
    }

    public static byte[] encode(PeerMessage m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(m instanceof PeerMessage.Raft ? 128 : 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (m instanceof PeerMessage.Raft r) {
                out.writeByte(RAFT);
                RaftMessageCodec.encode(r.message(), out);
            } else if (m instanceof PeerMessage.ForwardBatch f) {
                out.writeByte(FORWARD);
                out.writeLong(f.epoch());
                out.writeLong(f.seq());
                out.writeInt(f.commands().size());
                for (PeerMessage.ForwardedCommand c : f.commands()) {
                    out.writeLong(c.requestId());
                    out.writeInt(c.command().length);
                    out.write(c.command());
                }
            } else if (m instanceof PeerMessage.ForwardRefused f) {
                out.writeByte(FORWARD_REFUSED);
                out.writeLong(f.epoch());
                writeLongs(out, f.requestIds());
            } else if (m instanceof PeerMessage.SessionTouches t) {
                out.writeByte(TOUCHES);
                writeLongs(out, t.sessionIds());
            } else if (m instanceof PeerMessage.ReconfigForward r) {
                out.writeByte(RECONFIG);
                out.writeLong(r.origin());
                out.writeLong(r.requestId());
                writeText(out, r.joiningServers());
                writeText(out, r.leavingServers());
                writeText(out, r.newMembers());
                out.writeLong(r.fromVersion());
                out.writeBoolean(r.continuation());
            } else if (m instanceof PeerMessage.ReconfigFailed f) {
                out.writeByte(RECONFIG_FAILED);
                out.writeLong(f.requestId());
                out.writeInt(f.errorCode());
            } else if (m instanceof PeerMessage.ReconfigMoved r) {
                out.writeByte(RECONFIG_MOVED);
                out.writeLong(r.requestId());
            } else if (m instanceof PeerMessage.TransferLeadership t) {
                out.writeByte(TRANSFER_LEADERSHIP);
                out.writeLong(t.target());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException on bytes that are not a message (the link that sent them is closed) */
    public static PeerMessage decode(byte[] data) throws IOException {
        try {
            return decodeUnchecked(data);
        } catch (RuntimeException e) {
            throw new IOException("malformed peer message: " + e.getMessage(), e);
        }
    }

    private static PeerMessage decodeUnchecked(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        byte type = in.readByte();
        PeerMessage m = switch (type) {
            case RAFT -> new PeerMessage.Raft(RaftMessageCodec.decode(in));
            case FORWARD -> {
                long epoch = in.readLong();
                long seq = in.readLong();
                int n = count(in.readInt());
                List<PeerMessage.ForwardedCommand> commands = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long requestId = in.readLong();
                    int len = in.readInt();
                    if (len < 0 || len > MAX_COMMAND || len > in.available()) throw new IOException("bad command length " + len);
                    byte[] c = new byte[len];
                    in.readFully(c);
                    commands.add(new PeerMessage.ForwardedCommand(requestId, c));
                }
                yield new PeerMessage.ForwardBatch(epoch, seq, commands);
            }
            case FORWARD_REFUSED -> new PeerMessage.ForwardRefused(in.readLong(), readLongs(in));
            case TOUCHES -> new PeerMessage.SessionTouches(readLongs(in));
            case RECONFIG -> new PeerMessage.ReconfigForward(in.readLong(), in.readLong(), readText(in), readText(in), readText(in),
                    in.readLong(), in.readBoolean());
            case RECONFIG_FAILED -> new PeerMessage.ReconfigFailed(in.readLong(), in.readInt());
            case RECONFIG_MOVED -> new PeerMessage.ReconfigMoved(in.readLong());
            case TRANSFER_LEADERSHIP -> new PeerMessage.TransferLeadership(in.readLong());
            default -> throw new IOException("unknown peer message type " + type);
        };
        if (in.available() > 0) throw new IOException(in.available() + " stray bytes after a peer message of type " + type);
        return m;
    }

    private static int count(int n) throws IOException {
        if (n < 0 || n > MAX_COUNT) throw new IOException("bad count " + n);
        return n;
    }

    /** A string that may be null: length -1. */
    private static void writeText(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) return null;
        if (n < 0 || n > MAX_TEXT || n > in.available()) throw new IOException("bad text length " + n);
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeInt(values.length);
        for (long v : values) out.writeLong(v);
    }

    private static long[] readLongs(DataInputStream in) throws IOException {
        int n = count(in.readInt());
        if ((long) n * 8 > in.available()) throw new IOException("count " + n + " beyond the frame");
        long[] values = new long[n];
        for (int i = 0; i < n; i++) values[i] = in.readLong();
        return values;
    }
}
