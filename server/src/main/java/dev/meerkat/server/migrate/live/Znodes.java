package dev.meerkat.server.migrate.live;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.DeleteRequest;
import dev.meerkat.wire.proto.GetACLRequest;
import dev.meerkat.wire.proto.GetACLResponse;
import dev.meerkat.wire.proto.GetChildren2Request;
import dev.meerkat.wire.proto.GetChildren2Response;
import dev.meerkat.wire.proto.GetDataRequest;
import dev.meerkat.wire.proto.GetDataResponse;
import dev.meerkat.wire.proto.MultiRequest;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.SetACLRequest;
import dev.meerkat.wire.proto.SetDataRequest;
import dev.meerkat.wire.proto.Stat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The requests the live copy makes, on top of {@link WireClient}. */
final class Znodes {
    static final int OK = 0;
    static final int NO_NODE = -101;
    static final int NO_AUTH = -102;
    static final int NODE_EXISTS = -110;
    static final List<ACL> OPEN = List.of(new ACL(31, new dev.meerkat.wire.proto.Id("world", "anyone")));

    private Znodes() {
    }

    /** A znode as read: err 0 and everything, or the error (NoNode, NoAuth, ...). */
    record Read(int err, byte[] data, Stat stat, List<String> children, List<ACL> acl) {
        boolean exists() {
            return err == OK;
        }

        boolean ephemeral() {
            return stat.ephemeralOwner() != 0;
        }

        /** Children ever created under it: the sequence number its next sequential child gets. */
        long counter() {
            return (stat.cversion() + (long) stat.numChildren()) / 2;
        }
    }

    /** Data, children and ACL in one go (three pipelined requests); {@code watch} sets data and child watches. */
    static CompletableFuture<Read> read(WireClient c, String path, boolean watch) {
        CompletableFuture<WireClient.Reply> data = c.send(new GetDataRequest(path, watch));
        CompletableFuture<WireClient.Reply> children = c.send(new GetChildren2Request(path, watch));
        CompletableFuture<WireClient.Reply> acl = c.send(new GetACLRequest(path));
        return CompletableFuture.allOf(data, children, acl).thenApply(v -> {
            WireClient.Reply d = data.join();
            WireClient.Reply ch = children.join();
            WireClient.Reply a = acl.join();
            int err = d.err() != OK ? d.err() : ch.err() != OK ? ch.err() : a.err();
            if (err != OK) return new Read(err, null, null, List.of(), List.of());
            try {
                GetDataResponse dr = GetDataResponse.read(d.body());
                List<String> kids = GetChildren2Response.read(ch.body()).children();
                List<ACL> acls = GetACLResponse.read(a.body()).acl();
                return new Read(OK, dr.data(), dr.stat(), kids, acls == null ? List.of() : acls);
            } catch (JuteException e) {
                throw new java.util.concurrent.CompletionException(new java.io.IOException("malformed reply for " + path + ": " + e.getMessage(), e));
            }
        });
    }

    static CompletableFuture<WireClient.Reply> create(WireClient c, String path, byte[] data, List<ACL> acl) {
        return c.send(new CreateRequest(path, data, acl, 0));
    }

    static CompletableFuture<WireClient.Reply> setData(WireClient c, String path, byte[] data) {
        return c.send(new SetDataRequest(path, data, -1));
    }

    static CompletableFuture<WireClient.Reply> setAcl(WireClient c, String path, List<ACL> acl) {
        return c.send(new SetACLRequest(path, acl, -1));
    }

    static CompletableFuture<WireClient.Reply> delete(WireClient c, String path) {
        return c.send(new DeleteRequest(path, -1));
    }

    static CompletableFuture<WireClient.Reply> children(WireClient c, String path) {
        return c.send(new GetChildren2Request(path, false));
    }

    static CompletableFuture<WireClient.Reply> multi(WireClient c, List<Request.MultiOp> ops) {
        return c.send(new MultiRequest(ops));
    }

    /** The result of a request, or the {@link java.io.IOException} that lost it (the connection went). */
    static <T> T await(CompletableFuture<T> f) throws java.io.IOException {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.IOException io) throw io;
            throw e;
        }
    }
}
