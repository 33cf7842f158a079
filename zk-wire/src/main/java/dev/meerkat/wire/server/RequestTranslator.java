package dev.meerkat.wire.server;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.query.Query;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.AddWatchRequest;
import dev.meerkat.wire.proto.CheckVersionRequest;
import dev.meerkat.wire.proto.CheckWatchesRequest;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.CreateTTLRequest;
import dev.meerkat.wire.proto.DeleteContainerRequest;
import dev.meerkat.wire.proto.DeleteRequest;
import dev.meerkat.wire.proto.ExistsRequest;
import dev.meerkat.wire.proto.GetACLRequest;
import dev.meerkat.wire.proto.GetAllChildrenNumberRequest;
import dev.meerkat.wire.proto.GetChildren2Request;
import dev.meerkat.wire.proto.GetChildrenRequest;
import dev.meerkat.wire.proto.GetDataRequest;
import dev.meerkat.wire.proto.GetEphemeralsRequest;
import dev.meerkat.wire.proto.MultiReadRequest;
import dev.meerkat.wire.proto.MultiRequest;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.RemoveWatchesRequest;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.SetACLRequest;
import dev.meerkat.wire.proto.SetDataRequest;
import dev.meerkat.wire.proto.SetWatches;
import dev.meerkat.wire.proto.SetWatches2;
import dev.meerkat.wire.proto.SyncRequest;

import java.util.ArrayList;
import java.util.List;

/** Maps wire requests onto the core's writes and queries. Knows Jute records; the core knows neither. */
final class RequestTranslator {

    private RequestTranslator() {
    }

    static Translation translate(Request request) {
        try {
            if (request instanceof MultiRequest m) {
                List<WriteOp> ops = new ArrayList<>(m.ops().size());
                for (Request.MultiOp op : m.ops()) {
                    if (failsOnNullPath(op)) return new Translation.Refused(ErrorCode.MARSHALLING_ERROR);
                    ops.add(writeOp(op));
                }
                return new Translation.Write(new WriteOp.Multi(ops));
            }
            if (request instanceof MultiReadRequest m) {
                List<Query> ops = new ArrayList<>(m.ops().size());
                for (Request.MultiReadOp op : m.ops()) ops.add(query((Request) op));
                return new Translation.Read(new Query.MultiRead(ops));
            }
            if (request instanceof SyncRequest s) return new Translation.Write(new WriteOp.Sync(s.path()));
            if (request instanceof DeleteContainerRequest d) return new Translation.Write(new WriteOp.Delete(d.path(), -1, true));
            // check (13) is only valid inside a multi: on its own ZooKeeper treats it as an unknown opcode.
            if (request instanceof CheckVersionRequest) return new Translation.Refused(ErrorCode.UNIMPLEMENTED);
            if (failsOnNullPath(request)) return new Translation.Refused(ErrorCode.MARSHALLING_ERROR);
            if (request instanceof Request.MultiOp op) return new Translation.Write(writeOp(op));
            if (request instanceof SetACLRequest s) return new Translation.Write(new WriteOp.SetAcl(s.path(), acls(s.acl()), s.version()));
            Query q = query(request);
            if (q != null) return new Translation.Read(q);
            return new Translation.Refused(ErrorCode.UNIMPLEMENTED);
        } catch (KeeperError e) {
            return new Translation.Refused(e.code());
        }
    }

    /**
     * ZooKeeper takes a create's or a delete's parent path from the path before it validates it: a
     * null path throws there, which it answers as a marshalling error for the whole request (a
     * multi included), where other null paths are bad arguments; so does an ACL entry with a null id.
     */
    private static boolean failsOnNullPath(Request r) {
        return (r instanceof CreateRequest c && (c.path() == null || hasNullId(c.acl())))
                || (r instanceof CreateTTLRequest t && (t.path() == null || hasNullId(t.acl())))
                || (r instanceof SetACLRequest s && hasNullId(s.acl()))
                || (r instanceof DeleteRequest d && d.path() == null);
    }

    /** ZooKeeper fails the same way on an ACL entry whose id is null. */
    private static boolean hasNullId(List<ACL> acl) {
        if (acl == null) return false;
        for (ACL a : acl) if (a != null && a.id() != null && a.id().scheme() != null && a.id().id() == null) return true;
        return false;
    }

    private static WriteOp writeOp(Request.MultiOp op) throws KeeperError {
        if (op instanceof CreateRequest c) {
            // ZooKeeper makes a container of whatever createContainer sends, whatever its flags say.
            CreateMode mode = c.opcode() == OpCode.CREATE_CONTAINER ? CreateMode.CONTAINER : CreateMode.fromFlag(c.flags());
            return new WriteOp.Create(c.path(), c.data(), acls(c.acl()), mode, -1);
        }
        if (op instanceof CreateTTLRequest c) {
            CreateMode mode = CreateMode.fromFlag(c.flags());
            if (!mode.isTtl()) throw new KeeperError(ErrorCode.BAD_ARGUMENTS, "createTTL needs a TTL mode");
            return new WriteOp.Create(c.path(), c.data(), acls(c.acl()), mode, c.ttl());
        }
        if (op instanceof DeleteRequest d) return new WriteOp.Delete(d.path(), d.version(), false);
        if (op instanceof SetDataRequest s) return new WriteOp.SetData(s.path(), s.data(), s.version());
        if (op instanceof CheckVersionRequest c) return new WriteOp.Check(c.path(), c.version());
        throw new KeeperError(ErrorCode.UNIMPLEMENTED, "not a write: " + op);
    }

    private static Query query(Request r) {
        if (r instanceof GetDataRequest g) return new Query.GetData(g.path(), g.watch());
        if (r instanceof ExistsRequest e) return new Query.Exists(e.path(), e.watch());
        if (r instanceof GetChildrenRequest g) return new Query.GetChildren(g.path(), g.watch());
        if (r instanceof GetChildren2Request g) return new Query.GetChildren(g.path(), g.watch());
        if (r instanceof GetACLRequest g) return new Query.GetAcl(g.path());
        if (r instanceof GetEphemeralsRequest g) return new Query.GetEphemerals(g.prefixPath());
        if (r instanceof GetAllChildrenNumberRequest g) return new Query.GetAllChildrenNumber(g.path());
        if (r instanceof AddWatchRequest a) return new Query.AddWatch(a.path(), a.mode());
        if (r instanceof RemoveWatchesRequest rw) return new Query.RemoveWatches(rw.path(), rw.type(), false);
        if (r instanceof CheckWatchesRequest cw) return new Query.RemoveWatches(cw.path(), cw.type(), true);
        if (r instanceof SetWatches s) {
            return new Query.SetWatches(s.relativeZxid(), nn(s.dataWatches()), nn(s.existWatches()), nn(s.childWatches()), List.of(), List.of());
        }
        if (r instanceof SetWatches2 s) {
            return new Query.SetWatches(s.relativeZxid(), nn(s.dataWatches()), nn(s.existWatches()), nn(s.childWatches()),
                    nn(s.persistentWatches()), nn(s.persistentRecursiveWatches()));
        }
        return null;
    }

    private static List<String> nn(List<String> l) {
        return l == null ? List.of() : l;
    }

    /**
     * The core's ACL for a client's. An entry with a null scheme or id becomes one with an empty
     * scheme, which no scheme accepts: it fails with INVALID_ACL at apply, in ZooKeeper's order of
     * checks, and (unlike a null) it can be written to the log.
     */
    static List<Acl> acls(List<ACL> wire) {
        if (wire == null) return null;
        List<Acl> out = new ArrayList<>(wire.size());
        for (ACL a : wire) {
            boolean broken = a == null || a.id() == null || a.id().scheme() == null || a.id().id() == null;
            out.add(broken ? new Acl(a == null ? 0 : a.perms(), INVALID) : new Acl(a.perms(), new AuthId(a.id().scheme(), a.id().id())));
        }
        return out;
    }

    private static final AuthId INVALID = new AuthId("", "");
}
