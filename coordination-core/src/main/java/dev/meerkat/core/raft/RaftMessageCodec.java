package dev.meerkat.core.raft;

import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.raft.RaftMessage.AppendEntries;
import dev.meerkat.core.raft.RaftMessage.AppendResponse;
import dev.meerkat.core.raft.RaftMessage.Heartbeat;
import dev.meerkat.core.raft.RaftMessage.HeartbeatResponse;
import dev.meerkat.core.raft.RaftMessage.InstallSnapshotChunk;
import dev.meerkat.core.raft.RaftMessage.ReadIndexRequest;
import dev.meerkat.core.raft.RaftMessage.ReadIndexResponse;
import dev.meerkat.core.raft.RaftMessage.RequestVote;
import dev.meerkat.core.raft.RaftMessage.SnapshotResponse;
import dev.meerkat.core.raft.RaftMessage.TimeoutNow;
import dev.meerkat.core.raft.RaftMessage.VoteResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of {@link RaftMessage} for a peer transport: one type byte, then from, to, term and
 * the fields of the record in declaration order (big-endian). A frame is exactly one message; the
 * transport adds its own length prefix.
 */
public final class RaftMessageCodec {

    private static final byte REQUEST_VOTE = 1;
    private static final byte VOTE_RESPONSE = 2;
    private static final byte APPEND = 3;
    private static final byte APPEND_RESPONSE = 4;
    private static final byte HEARTBEAT = 5;
    private static final byte HEARTBEAT_RESPONSE = 6;
    private static final byte SNAPSHOT_CHUNK = 7;
    private static final byte SNAPSHOT_RESPONSE = 8;
    private static final byte TIMEOUT_NOW = 9;
    private static final byte READ_INDEX_REQUEST = 10;
    private static final byte READ_INDEX_RESPONSE = 11;

    /** Refuses absurd lengths from a corrupt or hostile peer before allocating. */
    private static final int MAX_BLOB = 256 << 20;

    private RaftMessageCodec() {
    }

    public static byte[] encode(RaftMessage m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            encode(m, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static void encode(RaftMessage m, DataOutputStream out) throws IOException {
        out.writeByte(typeOf(m));
        out.writeLong(m.from());
        out.writeLong(m.to());
        out.writeLong(m.term());
        if (m instanceof RequestVote v) {
            out.writeLong(v.lastLogIndex());
            out.writeLong(v.lastLogTerm());
            out.writeBoolean(v.preVote());
            out.writeBoolean(v.transfer());
        } else if (m instanceof VoteResponse v) {
            out.writeBoolean(v.preVote());
            out.writeBoolean(v.granted());
        } else if (m instanceof AppendEntries a) {
            out.writeLong(a.prevLogIndex());
            out.writeLong(a.prevLogTerm());
            out.writeLong(a.leaderCommit());
            out.writeInt(a.entries().size());
            for (LogEntry e : a.entries()) {
                out.writeLong(e.index());
                out.writeLong(e.term());
                out.writeByte(e.kind().code());
                writeBlob(out, e.data());
            }
        } else if (m instanceof AppendResponse r) {
            out.writeLong(r.index());
            out.writeBoolean(r.reject());
            out.writeLong(r.rejectHint());
            out.writeLong(r.hintTerm());
        } else if (m instanceof Heartbeat h) {
            out.writeLong(h.commit());
            out.writeLong(h.context());
        } else if (m instanceof HeartbeatResponse h) {
            out.writeLong(h.context());
        } else if (m instanceof InstallSnapshotChunk s) {
            out.writeLong(s.snapshotIndex());
            out.writeLong(s.snapshotTerm());
            s.membership().write(out);
            out.writeLong(s.offset());
            writeBlob(out, s.data());
            out.writeBoolean(s.done());
        } else if (m instanceof SnapshotResponse s) {
            out.writeLong(s.snapshotIndex());
            out.writeLong(s.nextOffset());
        } else if (m instanceof ReadIndexRequest r) {
            out.writeLong(r.requestId());
        } else if (m instanceof ReadIndexResponse r) {
            out.writeLong(r.requestId());
            out.writeLong(r.index());
        }
        // TimeoutNow has no fields beyond the header.
    }

    public static RaftMessage decode(byte[] frame) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame))) {
            RaftMessage m = decode(in);
            if (in.available() != 0) throw new IllegalArgumentException("trailing bytes in raft frame");
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt raft frame", e);
        }
    }

    public static RaftMessage decode(DataInputStream in) throws IOException {
        byte type = in.readByte();
        long from = in.readLong();
        long to = in.readLong();
        long term = in.readLong();
        return switch (type) {
            case REQUEST_VOTE -> new RequestVote(from, to, term, in.readLong(), in.readLong(), in.readBoolean(), in.readBoolean());
            case VOTE_RESPONSE -> new VoteResponse(from, to, term, in.readBoolean(), in.readBoolean());
            case APPEND -> {
                long prevIndex = in.readLong();
                long prevTerm = in.readLong();
                long commit = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > MAX_BLOB) throw new IOException("bad entry count " + n);
                List<LogEntry> entries = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    long index = in.readLong();
                    long t = in.readLong();
                    EntryKind kind = EntryKind.ofCode(in.readByte());
                    entries.add(new LogEntry(index, t, kind, readBlob(in)));
                }
                yield new AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
            }
            case APPEND_RESPONSE -> new AppendResponse(from, to, term, in.readLong(), in.readBoolean(), in.readLong(), in.readLong());
            case HEARTBEAT -> new Heartbeat(from, to, term, in.readLong(), in.readLong());
            case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, in.readLong());
            case SNAPSHOT_CHUNK -> {
                long index = in.readLong();
                long t = in.readLong();
                Membership membership = Membership.read(in);
                long offset = in.readLong();
                byte[] data = readBlob(in);
                yield new InstallSnapshotChunk(from, to, term, index, t, membership, offset, data, in.readBoolean());
            }
            case SNAPSHOT_RESPONSE -> new SnapshotResponse(from, to, term, in.readLong(), in.readLong());
            case TIMEOUT_NOW -> new TimeoutNow(from, to, term);
            case READ_INDEX_REQUEST -> new ReadIndexRequest(from, to, term, in.readLong());
            case READ_INDEX_RESPONSE -> new ReadIndexResponse(from, to, term, in.readLong(), in.readLong());
            default -> throw new IOException("unknown raft message type " + type);
        };
    }

    private static byte typeOf(RaftMessage m) {
        if (m instanceof RequestVote) return REQUEST_VOTE;
        if (m instanceof VoteResponse) return VOTE_RESPONSE;
        if (m instanceof AppendEntries) return APPEND;
        if (m instanceof AppendResponse) return APPEND_RESPONSE;
        if (m instanceof Heartbeat) return HEARTBEAT;
        if (m instanceof HeartbeatResponse) return HEARTBEAT_RESPONSE;
        if (m instanceof InstallSnapshotChunk) return SNAPSHOT_CHUNK;
        if (m instanceof SnapshotResponse) return SNAPSHOT_RESPONSE;
        if (m instanceof TimeoutNow) return TIMEOUT_NOW;
        if (m instanceof ReadIndexRequest) return READ_INDEX_REQUEST;
        if (m instanceof ReadIndexResponse) return READ_INDEX_RESPONSE;
        throw new IllegalArgumentException("unknown message " + m);
    }

    private static void writeBlob(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_BLOB) throw new IOException("bad length " + n);
        byte[] data = new byte[n];
        in.readFully(data);
        return data;
    }
}
