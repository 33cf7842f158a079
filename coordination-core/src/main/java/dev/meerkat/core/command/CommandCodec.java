package dev.meerkat.core.command;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.KeeperError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link Proposal} in the log. The format is ours (not Jute): a version byte,
 * the leader's timestamp, the origin (server and request id, so the server holding the client's
 * connection can answer it), then the command. Changing it needs a new version byte.
 */
public final class CommandCodec {
    private static final byte VERSION = 1;

    private static final byte CREATE_SESSION = 1;
    private static final byte CLOSE_SESSION = 2;
    private static final byte CLIENT_WRITE = 3;
    private static final byte REAP_NODE = 4;
    private static final byte TOUCH_SESSIONS = 5;
    private static final byte ATTACH_SESSION = 6;
    /** A ClientWrite whose server enforces quotas: the same layout as CLIENT_WRITE. */
    private static final byte CLIENT_WRITE_ENFORCING_QUOTA = 7;

    private static final byte OP_CREATE = 1;
    private static final byte OP_DELETE = 2;
    private static final byte OP_SET_DATA = 3;
    private static final byte OP_SET_ACL = 4;
    private static final byte OP_CHECK = 5;
    private static final byte OP_MULTI = 6;
    private static final byte OP_SYNC = 7;

    private CommandCodec() {
    }

    public static byte[] encode(Proposal p) {
        return encodeProposal(p.time(), p.originServer(), p.requestId(), encodeCommand(p.command()));
    }

    /** A command alone, as a follower forwards it: the leader adds the header ({@link #encodeProposal}). */
    public static byte[] encodeCommand(Command c) {
        Sink out = new Sink(sizeHint(c));
        writeCommand(out, c);
        return out.toByteArray();
    }

    /** Enough for most commands at once: a create's data and path, and room for the rest. */
    private static int sizeHint(Command c) {
        // Nulls are legal here (a client may send a null path; the state machine answers it).
        if (c instanceof Command.ClientWrite w) {
            if (w.op() instanceof WriteOp.Create cr) return 128 + length(cr.path()) + (cr.data() == null ? 0 : cr.data().length);
            if (w.op() instanceof WriteOp.SetData sd) return 96 + length(sd.path()) + (sd.data() == null ? 0 : sd.data().length);
        }
        return 128;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /**
     * Where one thread encodes commands: a buffer that grows to the largest command it has seen
     * (a client's request is bounded by jute.maxbuffer) and is reused, so each command costs one
     * array of its exact size instead of a growing buffer and its trimmed copy.
     */
    public static final class Scratch {
        private final Sink sink = new Sink(1024);
        private final Thread owner = Thread.currentThread();
    }

    /** Bytes before the command in a proposal's log form: {@link #stampHeader} fills them. */
    public static final int HEADER_BYTES = 1 + 8 + 8 + 8;

    /**
     * A command in a proposal's log form with the header left blank: the leader stamps it
     * ({@link #stampHeader}) and proposes the same array, without copying the command behind a header.
     * The command alone is {@code [HEADER_BYTES, length)}.
     */
    public static byte[] encodeWithRoomForHeader(Command c, Scratch scratch) {
        if (Thread.currentThread() != scratch.owner) throw new IllegalStateException("a command scratch used off its thread");
        Sink out = scratch.sink;
        out.size = 0;
        writeCommand(out, c);
        byte[] b = new byte[HEADER_BYTES + out.size];
        System.arraycopy(out.buf, 0, b, HEADER_BYTES, out.size);
        return b;
    }

    /** Writes the header of a proposal into the room {@link #encodeWithRoomForHeader} left. */
    public static void stampHeader(byte[] proposal, long time, long originServer, long requestId) {
        if (proposal.length <= HEADER_BYTES) throw new IllegalArgumentException("no command behind the header: " + proposal.length + " bytes");
        proposal[0] = VERSION;
        LONG.set(proposal, 1, time);
        LONG.set(proposal, 9, originServer);
        LONG.set(proposal, 17, requestId);
    }

    /** The log form of a proposal whose command is already encoded: header, then the command bytes. */
    public static byte[] encodeProposal(long time, long originServer, long requestId, byte[] command) {
        byte[] out = new byte[HEADER_BYTES + command.length];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out);
        b.put(VERSION).putLong(time).putLong(originServer).putLong(requestId).put(command);
        return out;
    }

    /**
     * Checks that forwarded bytes are one well-formed command, before a leader puts them in the log:
     * a broken command in the log would stop every replica that applies it.
     */
    public static boolean isWellFormedCommand(byte[] command) {
        try {
            Source in = new Source(command);
            readCommand(in);
            return in.available() == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static Proposal decode(byte[] data) {
        try {
            Source in = new Source(data);
            byte version = in.readByte();
            if (version != VERSION) throw new IllegalStateException("unknown command format version " + version);
            long time = in.readLong();
            long origin = in.readLong();
            long requestId = in.readLong();
            return new Proposal(time, origin, requestId, readCommand(in));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt command in log", e);
        }
    }

    private static void writeCommand(Sink out, Command c) {
        if (c instanceof Command.CreateSession s) {
                out.writeByte(CREATE_SESSION);
                out.writeInt(s.timeoutMs());
                writeBytes(out, s.password());
        } else if (c instanceof Command.CloseSession s) {
                out.writeByte(CLOSE_SESSION);
                out.writeLong(s.sessionId());
                out.writeBoolean(s.expired());
        } else if (c instanceof Command.ClientWrite w) {
                out.writeByte(w.enforceQuota() ? CLIENT_WRITE_ENFORCING_QUOTA : CLIENT_WRITE);
                out.writeLong(w.sessionId());
                out.writeInt(w.authIds().size());
                for (AuthId id : w.authIds()) writeId(out, id);
                writeOp(out, w.op());
        } else if (c instanceof Command.AttachSession a) {
                out.writeByte(ATTACH_SESSION);
                out.writeLong(a.sessionId());
                writeBytes(out, a.password());
        } else if (c instanceof Command.ReapNode r) {
                out.writeByte(REAP_NODE);
                out.writeModifiedUtf8(r.path());
        } else if (c instanceof Command.TouchSessions t) {
                out.writeByte(TOUCH_SESSIONS);
                out.writeInt(t.sessionIds().length);
                for (long id : t.sessionIds()) out.writeLong(id);
        } else {
            throw new IllegalArgumentException("unknown command " + c);
        }
    }

    private static Command readCommand(Source in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case CREATE_SESSION -> new Command.CreateSession(in.readInt(), readBytes(in));
            case CLOSE_SESSION -> new Command.CloseSession(in.readLong(), in.readBoolean());
            case CLIENT_WRITE, CLIENT_WRITE_ENFORCING_QUOTA -> {
                long session = in.readLong();
                int n = in.readInt();
                List<AuthId> ids = new ArrayList<>(Math.max(0, Math.min(n, in.available())));
                for (int i = 0; i < n; i++) ids.add(readId(in));
                yield new Command.ClientWrite(session, ids, readOp(in), type == CLIENT_WRITE_ENFORCING_QUOTA);
            }
            case REAP_NODE -> new Command.ReapNode(in.readModifiedUtf8());
            case ATTACH_SESSION -> new Command.AttachSession(in.readLong(), readBytes(in));
            case TOUCH_SESSIONS -> {
                int n = in.readInt();
                // A count the bytes cannot hold is corrupt, not a reason to allocate it.
                if (n < 0 || n > in.available() / 8) throw new IOException("bad session count " + n);
                long[] ids = new long[n];
                for (int i = 0; i < ids.length; i++) ids[i] = in.readLong();
                yield new Command.TouchSessions(ids);
            }
            default -> throw new IOException("unknown command type " + type);
        };
    }

    private static void writeOp(Sink out, WriteOp op) {
        if (op instanceof WriteOp.Create c) {
                out.writeByte(OP_CREATE);
                writeString(out, c.path());
                writeBytes(out, c.data());
                writeAcls(out, c.acl());
                out.writeByte(c.mode().flag());
                out.writeLong(c.ttl());
        } else if (op instanceof WriteOp.Delete d) {
                out.writeByte(OP_DELETE);
                writeString(out, d.path());
                out.writeInt(d.version());
                out.writeBoolean(d.containerOnly());
        } else if (op instanceof WriteOp.SetData s) {
                out.writeByte(OP_SET_DATA);
                writeString(out, s.path());
                writeBytes(out, s.data());
                out.writeInt(s.version());
        } else if (op instanceof WriteOp.SetAcl s) {
                out.writeByte(OP_SET_ACL);
                writeString(out, s.path());
                writeAcls(out, s.acl());
                out.writeInt(s.version());
        } else if (op instanceof WriteOp.Check c) {
                out.writeByte(OP_CHECK);
                writeString(out, c.path());
                out.writeInt(c.version());
        } else if (op instanceof WriteOp.Multi m) {
                out.writeByte(OP_MULTI);
                out.writeInt(m.ops().size());
                for (WriteOp o : m.ops()) writeOp(out, o);
        } else if (op instanceof WriteOp.Sync s) {
                out.writeByte(OP_SYNC);
                writeString(out, s.path());
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
    }

    private static WriteOp readOp(Source in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case OP_CREATE -> {
                String path = readString(in);
                byte[] data = readBytes(in);
                List<Acl> acl = readAcls(in);
                int flag = in.readByte();
                long ttl = in.readLong();
                try {
                    yield new WriteOp.Create(path, data, acl, CreateMode.fromFlag(flag), ttl);
                } catch (KeeperError e) {
                    throw new IOException("bad create mode in log: " + flag);
                }
            }
            case OP_DELETE -> new WriteOp.Delete(readString(in), in.readInt(), in.readBoolean());
            case OP_SET_DATA -> new WriteOp.SetData(readString(in), readBytes(in), in.readInt());
            case OP_SET_ACL -> new WriteOp.SetAcl(readString(in), readAcls(in), in.readInt());
            case OP_CHECK -> new WriteOp.Check(readString(in), in.readInt());
            case OP_MULTI -> {
                int n = in.readInt();
                List<WriteOp> ops = new ArrayList<>(Math.max(0, Math.min(n, in.available())));
                for (int i = 0; i < n; i++) ops.add(readOp(in));
                yield new WriteOp.Multi(ops);
            }
            case OP_SYNC -> new WriteOp.Sync(readString(in));
            default -> throw new IOException("unknown op type " + type);
        };
    }

    private static void writeAcls(Sink out, List<Acl> acls) {
        if (acls == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(acls.size());
        for (Acl a : acls) {
            out.writeInt(a.perms());
            writeId(out, a.id());
        }
    }

    private static List<Acl> readAcls(Source in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        List<Acl> acls = new ArrayList<>(Math.min(n, in.available()));
        for (int i = 0; i < n; i++) acls.add(new Acl(in.readInt(), readId(in)));
        return acls;
    }

    private static void writeId(Sink out, AuthId id) {
        writeString(out, id.scheme());
        writeString(out, id.id());
    }

    private static AuthId readId(Source in) throws IOException {
        return new AuthId(readString(in), readString(in));
    }

    /** Strings are length-prefixed UTF-8 (writeUTF caps at 64 KiB, paths may be longer). */
    private static void writeString(Sink out, String s) {
        if (s == null || !out.writeAscii(s)) writeBytes(out, s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String readString(Source in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readUtf8(n);
    }

    private static void writeBytes(Sink out, byte[] b) {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(Source in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readBytes(n);
    }

    /** A growing big-endian byte array: what DataOutputStream on a ByteArrayOutputStream wrote, without its locks and copies. */
    private static final class Sink {
        private byte[] buf;
        private int size;

        Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void room(int n) {
            if (size + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }

        void writeByte(int v) {
            room(1);
            buf[size++] = (byte) v;
        }

        void writeBoolean(boolean v) {
            writeByte(v ? 1 : 0);
        }

        void writeInt(int v) {
            room(4);
            INT.set(buf, size, v);
            size += 4;
        }

        void writeLong(long v) {
            room(8);
            LONG.set(buf, size, v);
            size += 8;
        }

        void write(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        /** DataOutput's modified UTF-8 (an unsigned short length first), the form a ReapNode has always had in the log. */
        void writeModifiedUtf8(String s) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length() + 2);
            try {
                new java.io.DataOutputStream(bytes).writeUTF(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            write(bytes.toByteArray());
        }

        /**
         * A length-prefixed string that is all ASCII (paths and auth ids nearly always are), its
         * UTF-8 written straight in; false, with nothing written, for any other string.
         */
        boolean writeAscii(String s) {
            int n = s.length();
            room(4 + n);
            int at = size + 4;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) return false;
                buf[at + i] = (byte) c;
            }
            INT.set(buf, size, n);
            size = at + n;
            return true;
        }

        byte[] toByteArray() {
            return size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
        }
    }

    /** Reads what {@link Sink} wrote; running past the end is an {@link java.io.EOFException}, as DataInputStream's. */
    private static final class Source {
        private final byte[] buf;
        private int pos;

        Source(byte[] buf) {
            this.buf = buf;
        }

        private int take(int n) throws IOException {
            if (n < 0 || n > buf.length - pos) throw new java.io.EOFException("needs " + n + " bytes at " + pos + " of " + buf.length);
            int at = pos;
            pos += n;
            return at;
        }

        int available() {
            return buf.length - pos;
        }

        byte readByte() throws IOException {
            return buf[take(1)];
        }

        boolean readBoolean() throws IOException {
            return readByte() != 0;
        }

        int readInt() throws IOException {
            return (int) INT.get(buf, take(4));
        }

        long readLong() throws IOException {
            return (long) LONG.get(buf, take(8));
        }

        byte[] readBytes(int n) throws IOException {
            int at = take(n);
            return java.util.Arrays.copyOfRange(buf, at, at + n);
        }

        String readUtf8(int n) throws IOException {
            int at = take(n);
            return new String(buf, at, n, java.nio.charset.StandardCharsets.UTF_8);
        }

        String readModifiedUtf8() throws IOException {
            int at = pos;
            if (buf.length - at < 2) throw new java.io.EOFException("a string's length at " + at);
            int n = ((buf[at] & 0xff) << 8) | (buf[at + 1] & 0xff);
            take(2 + n);
            return new java.io.DataInputStream(new java.io.ByteArrayInputStream(buf, at, 2 + n)).readUTF();
        }
    }

    private static final java.lang.invoke.VarHandle INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
}
