package dev.meerkat.core.command;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.KeeperError;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            writeCommand(out, c);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(command));
            readCommand(in);
            return in.available() == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static final int HEADER_BYTES = 1 + 8 + 8 + 8;

    public static Proposal decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
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

    private static void writeCommand(DataOutputStream out, Command c) throws IOException {
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
                out.writeUTF(r.path());
        } else if (c instanceof Command.TouchSessions t) {
                out.writeByte(TOUCH_SESSIONS);
                out.writeInt(t.sessionIds().length);
                for (long id : t.sessionIds()) out.writeLong(id);
        } else {
            throw new IllegalArgumentException("unknown command " + c);
        }
    }

    private static Command readCommand(DataInputStream in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case CREATE_SESSION -> new Command.CreateSession(in.readInt(), readBytes(in));
            case CLOSE_SESSION -> new Command.CloseSession(in.readLong(), in.readBoolean());
            case CLIENT_WRITE, CLIENT_WRITE_ENFORCING_QUOTA -> {
                long session = in.readLong();
                int n = in.readInt();
                List<AuthId> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) ids.add(readId(in));
                yield new Command.ClientWrite(session, ids, readOp(in), type == CLIENT_WRITE_ENFORCING_QUOTA);
            }
            case REAP_NODE -> new Command.ReapNode(in.readUTF());
            case ATTACH_SESSION -> new Command.AttachSession(in.readLong(), readBytes(in));
            case TOUCH_SESSIONS -> {
                long[] ids = new long[in.readInt()];
                for (int i = 0; i < ids.length; i++) ids[i] = in.readLong();
                yield new Command.TouchSessions(ids);
            }
            default -> throw new IOException("unknown command type " + type);
        };
    }

    private static void writeOp(DataOutputStream out, WriteOp op) throws IOException {
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

    private static WriteOp readOp(DataInputStream in) throws IOException {
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
                List<WriteOp> ops = new ArrayList<>(n);
                for (int i = 0; i < n; i++) ops.add(readOp(in));
                yield new WriteOp.Multi(ops);
            }
            case OP_SYNC -> new WriteOp.Sync(readString(in));
            default -> throw new IOException("unknown op type " + type);
        };
    }

    private static void writeAcls(DataOutputStream out, List<Acl> acls) throws IOException {
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

    private static List<Acl> readAcls(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        List<Acl> acls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) acls.add(new Acl(in.readInt(), readId(in)));
        return acls;
    }

    private static void writeId(DataOutputStream out, AuthId id) throws IOException {
        writeString(out, id.scheme());
        writeString(out, id.id());
    }

    private static AuthId readId(DataInputStream in) throws IOException {
        return new AuthId(readString(in), readString(in));
    }

    /** Strings are length-prefixed UTF-8 (writeUTF caps at 64 KiB, paths may be longer). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
