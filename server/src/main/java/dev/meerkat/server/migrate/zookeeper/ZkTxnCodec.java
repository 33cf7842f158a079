package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.Id;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a transaction log entry the way ZooKeeper's {@code SerializeUtils.deserializeTxn} does,
 * including its tolerance for older formats: a create without parentCVersion (3.2), a closeSession
 * without the list of ephemerals (before 3.6), an entry without a digest (before 3.6).
 */
final class ZkTxnCodec {
    /** {@code TxnHeader}: long clientId, int cxid, long zxid, long time, int type. */
    static final int HEADER_BYTES = 8 + 4 + 8 + 8 + 4;

    private final AclInterner acls;

    ZkTxnCodec(AclInterner acls) {
        this.acls = acls;
    }

    ZkTxn.Entry decode(byte[] bytes) throws JuteException {
        JuteInput in = input(bytes, 0);
        ZkTxn.Header h = new ZkTxn.Header(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readInt());
        int bodyStart = bytes.length - in.remaining();
        ZkTxn txn = switch (h.type()) {
            case ZkOpCodes.CREATE_SESSION -> new ZkTxn.CreateSession(in.readInt());
            case ZkOpCodes.CLOSE_SESSION -> closeSession(in);
            case ZkOpCodes.CREATE, ZkOpCodes.CREATE2 -> create(h.type(), in);
            case ZkOpCodes.CREATE_TTL -> {
                String path = in.readString();
                byte[] data = in.readBuffer();
                List<Acl> acl = acl(in);
                int parentCVersion = in.readInt();
                yield new ZkTxn.Create(h.type(), path, data, acl, false, parentCVersion, in.readLong());
            }
            case ZkOpCodes.CREATE_CONTAINER -> new ZkTxn.Create(h.type(), in.readString(), in.readBuffer(), acl(in), false, in.readInt(), -1);
            case ZkOpCodes.DELETE, ZkOpCodes.DELETE_CONTAINER -> new ZkTxn.Delete(h.type(), in.readString());
            case ZkOpCodes.SET_DATA, ZkOpCodes.RECONFIG -> new ZkTxn.SetData(h.type(), in.readString(), in.readBuffer(), in.readInt());
            case ZkOpCodes.SET_ACL -> new ZkTxn.SetAcl(in.readString(), acl(in), in.readInt());
            case ZkOpCodes.ERROR -> new ZkTxn.Error(in.readInt());
            case ZkOpCodes.MULTI -> new ZkTxn.Multi(in.readVector(i -> new ZkTxn.Op(i.readInt(), i.readBuffer()), 8));
            default -> throw new JuteException("unsupported transaction type " + h.type());
        };
        if (txn instanceof ZkTxn.CloseSession c && c.pathsToDelete() == null) {
            in = input(bytes, bodyStart); // the older closeSession has no body: what follows is the digest
        }
        ZkTxn.Digest digest = in.remaining() >= 12 ? new ZkTxn.Digest(in.readInt(), in.readLong()) : null;
        return new ZkTxn.Entry(h, txn, digest);
    }

    /** Decodes one op of a multi, as {@code DataTree.processTxn} does for a multi that did not fail. */
    ZkTxn decodeOp(ZkTxn.Op op) throws JuteException {
        JuteInput in = input(op.data(), 0);
        return switch (op.type()) {
            case ZkOpCodes.CREATE, ZkOpCodes.CREATE2 -> create(op.type(), in);
            case ZkOpCodes.CREATE_TTL -> {
                String path = in.readString();
                byte[] data = in.readBuffer();
                List<Acl> acl = acl(in);
                int parentCVersion = in.readInt();
                yield new ZkTxn.Create(op.type(), path, data, acl, false, parentCVersion, in.readLong());
            }
            case ZkOpCodes.CREATE_CONTAINER -> new ZkTxn.Create(op.type(), in.readString(), in.readBuffer(), acl(in), false, in.readInt(), -1);
            case ZkOpCodes.DELETE, ZkOpCodes.DELETE_CONTAINER -> new ZkTxn.Delete(op.type(), in.readString());
            case ZkOpCodes.SET_DATA -> new ZkTxn.SetData(op.type(), in.readString(), in.readBuffer(), in.readInt());
            case ZkOpCodes.CHECK -> new ZkTxn.Check(in.readString(), in.readInt());
            case ZkOpCodes.ERROR -> new ZkTxn.Error(in.readInt());
            default -> throw new JuteException("invalid op type " + op.type() + " in a multi transaction");
        };
    }

    private ZkTxn create(int type, JuteInput in) throws JuteException {
        String path = in.readString();
        byte[] data = in.readBuffer();
        List<Acl> acl = acl(in);
        boolean ephemeral = in.readBool();
        // CreateTxnV0 ends here; ZooKeeper then lets replay take the parent's cversion + 1.
        int parentCVersion = type == ZkOpCodes.CREATE && in.remaining() < 4 ? -1 : in.readInt();
        return new ZkTxn.Create(type, path, data, acl, ephemeral, parentCVersion, -1);
    }

    private static ZkTxn closeSession(JuteInput in) {
        try {
            return new ZkTxn.CloseSession(in.readStringVector());
        } catch (JuteException e) {
            // Before 3.6 a closeSession had no record; ZooKeeper reads none either when it ends early.
            return new ZkTxn.CloseSession(null);
        }
    }

    private List<Acl> acl(JuteInput in) throws JuteException {
        List<ACL> wire = in.readVector(ACL::read, ACL.MIN_SIZE);
        if (wire == null) return Acl.OPEN_ACL_UNSAFE; // ZooKeeper's ACL cache maps a null list to world:anyone
        List<Acl> acl = new ArrayList<>(wire.size());
        for (ACL a : wire) acl.add(new Acl(a.perms(), new AuthId(nullToEmpty(a.id().scheme()), nullToEmpty(a.id().id()))));
        return acls.intern(acl);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static JuteInput input(byte[] bytes, int offset) {
        // The entry's own length bounds every field; ZooKeeper's jute.maxbuffer limits requests, not files.
        return new JuteInput(bytes, offset, bytes.length - offset, Integer.MAX_VALUE);
    }

    /** Encodes an ACL list as it appears in records and in the snapshot's ACL table. */
    static void writeAcl(JuteOutput out, List<Acl> acl) {
        out.writeVector(acl, (o, a) -> new ACL(a.perms(), new Id(a.id().scheme(), a.id().id())).write(o));
    }
}
