package dev.meerkat.wire.server;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.ZnodeType;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.query.QueryResult;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.Create2Response;
import dev.meerkat.wire.proto.CreateResponse;
import dev.meerkat.wire.proto.EmptyResponse;
import dev.meerkat.wire.proto.ErrorResponse;
import dev.meerkat.wire.proto.ExistsResponse;
import dev.meerkat.wire.proto.GetACLResponse;
import dev.meerkat.wire.proto.GetAllChildrenNumberResponse;
import dev.meerkat.wire.proto.GetChildren2Response;
import dev.meerkat.wire.proto.GetChildrenResponse;
import dev.meerkat.wire.proto.GetDataResponse;
import dev.meerkat.wire.proto.GetEphemeralsResponse;
import dev.meerkat.wire.proto.Id;
import dev.meerkat.wire.proto.MultiReadResponse;
import dev.meerkat.wire.proto.MultiRequest;
import dev.meerkat.wire.proto.MultiResponse;
import dev.meerkat.wire.proto.OpCode;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.SetACLResponse;
import dev.meerkat.wire.proto.SetDataResponse;
import dev.meerkat.wire.proto.Stat;
import dev.meerkat.wire.proto.SyncResponse;

import java.util.ArrayList;
import java.util.List;

/** Shapes the core's results into the exact response record each opcode expects. */
final class ResultTranslator {

    private ResultTranslator() {
    }

    static Reply write(Request request, OpResult result) {
        if (result instanceof OpResult.Error e) return Reply.error(e.code().code());
        int opcode = request.opcode();
        if (result instanceof OpResult.Created c) {
            return Reply.ok(opcode == OpCode.CREATE ? new CreateResponse(c.path()) : new Create2Response(c.path(), stat(c.stat())));
        }
        if (result instanceof OpResult.DataSet d) return Reply.ok(new SetDataResponse(stat(d.stat())));
        if (result instanceof OpResult.AclSet a) return Reply.ok(new SetACLResponse(stat(a.stat())));
        if (result instanceof OpResult.Synced s) return Reply.ok(new SyncResponse(s.path()));
        if (result instanceof OpResult.Reconfigured r) return Reply.ok(new GetDataResponse(r.config(), stat(r.stat())));
        if (result instanceof OpResult.MultiResults m) {
            List<Request.MultiOp> ops = ((MultiRequest) request).ops();
            List<dev.meerkat.wire.proto.OpResult> out = new ArrayList<>(m.results().size());
            for (int i = 0; i < m.results().size(); i++) out.add(multiResult(ops.get(i).opcode(), m.results().get(i)));
            // A failed multi still has err 0 in its header: the per-op results carry the failure.
            return Reply.ok(new MultiResponse(out));
        }
        return Reply.ok(EmptyResponse.INSTANCE);
    }

    private static dev.meerkat.wire.proto.OpResult multiResult(int opcode, OpResult r) {
        if (r instanceof OpResult.Error e) return new dev.meerkat.wire.proto.OpResult.ErrorResult(e.code().code());
        if (r instanceof OpResult.Created c) {
            return opcode == OpCode.CREATE ? new dev.meerkat.wire.proto.OpResult.CreateResult(c.path())
                    : new dev.meerkat.wire.proto.OpResult.Create2Result(c.path(), stat(c.stat()));
        }
        if (r instanceof OpResult.DataSet d) return new dev.meerkat.wire.proto.OpResult.SetDataResult(stat(d.stat()));
        if (r instanceof OpResult.Deleted) return new dev.meerkat.wire.proto.OpResult.DeleteResult();
        return new dev.meerkat.wire.proto.OpResult.CheckResult();
    }

    static Reply read(Request request, QueryResult result) {
        if (result instanceof QueryResult.Error e) return Reply.error(e.code().code());
        int opcode = request.opcode();
        if (result instanceof QueryResult.Data d) return Reply.ok(new GetDataResponse(d.data(), stat(d.stat())));
        if (result instanceof QueryResult.NodeStat s) return Reply.ok(new ExistsResponse(stat(s.stat())));
        if (result instanceof QueryResult.Children c) {
            return Reply.ok(opcode == OpCode.GET_CHILDREN2 ? new GetChildren2Response(c.children(), stat(c.stat()))
                    : new GetChildrenResponse(c.children()));
        }
        if (result instanceof QueryResult.AclList a) return Reply.ok(new GetACLResponse(acls(a.acl()), stat(a.stat())));
        if (result instanceof QueryResult.Paths p) return Reply.ok(new GetEphemeralsResponse(p.paths()));
        if (result instanceof QueryResult.Count c) return Reply.ok(new GetAllChildrenNumberResponse(c.count()));
        if (result instanceof QueryResult.Multi m) {
            List<dev.meerkat.wire.proto.OpResult> out = new ArrayList<>(m.results().size());
            for (QueryResult r : m.results()) {
                if (r instanceof QueryResult.Data d) out.add(new dev.meerkat.wire.proto.OpResult.GetDataResult(d.data(), stat(d.stat())));
                else if (r instanceof QueryResult.Children c) out.add(new dev.meerkat.wire.proto.OpResult.GetChildrenResult(c.children()));
                else out.add(new dev.meerkat.wire.proto.OpResult.ErrorResult(((QueryResult.Error) r).code().code()));
            }
            return Reply.ok(new MultiReadResponse(out));
        }
        // addWatch's reply carries an int the Java client reads; the others are bare headers.
        if (opcode == OpCode.ADD_WATCH) return Reply.ok(new ErrorResponse(0));
        return Reply.ok(EmptyResponse.INSTANCE);
    }

    /** About how many bytes {@code reply} takes on the wire (exact for the ones that can be large). */
    static long wireSize(Reply reply) {
        long header = 4 + 16;
        if (!reply.hasBody()) return header;
        return header + bodySize(reply.body());
    }

    private static long bodySize(Object body) {
        if (body instanceof GetDataResponse d) return 4 + (d.data() == null ? 0 : d.data().length) + STAT_BYTES;
        if (body instanceof GetChildrenResponse c) return namesSize(c.children());
        if (body instanceof GetChildren2Response c) return namesSize(c.children()) + STAT_BYTES;
        if (body instanceof MultiReadResponse m) {
            long n = 4;
            for (dev.meerkat.wire.proto.OpResult r : m.results()) {
                n += 9;
                if (r instanceof dev.meerkat.wire.proto.OpResult.GetDataResult d) n += 4 + (d.data() == null ? 0 : d.data().length) + STAT_BYTES;
                else if (r instanceof dev.meerkat.wire.proto.OpResult.GetChildrenResult c) n += namesSize(c.children());
            }
            return n;
        }
        if (body instanceof GetACLResponse a) return 4 + 64L * a.acl().size() + STAT_BYTES;
        if (body instanceof GetEphemeralsResponse e) return namesSize(e.ephemerals());
        return 128;
    }

    private static final int STAT_BYTES = 68;

    private static long namesSize(List<String> names) {
        if (names == null) return 4;
        long n = 4;
        for (String name : names) n += 4 + name.length();
        return n;
    }

    static Stat stat(dev.meerkat.core.api.Stat s) {
        // As ZooKeeper: clients see the owner of ephemeral nodes only; containers and TTL nodes show 0.
        long owner = ZnodeType.isEphemeralOwner(s.ephemeralOwner()) ? s.ephemeralOwner() : 0;
        return new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), s.cversion(), s.aversion(),
                owner, s.dataLength(), s.numChildren(), s.pzxid());
    }

    private static List<ACL> acls(List<Acl> acl) {
        List<ACL> out = new ArrayList<>(acl.size());
        for (Acl a : acl) out.add(new ACL(a.perms(), new Id(a.id().scheme(), a.id().id())));
        return out;
    }
}
