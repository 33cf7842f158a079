package dev.meerkat.registry;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.log.MemoryLogStore;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.node.NodeConfig;
import dev.meerkat.core.node.SessionOwner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real node (in-memory log) and the writes a Kafka broker makes, issued through the node's own
 * API, so the registry sees committed entries exactly as on a server.
 */
final class TreeDriver implements AutoCloseable {
    final Node node;

    TreeDriver() {
        node = new Node(NodeConfig.defaults().withTickMs(100), new MemoryLogStore()).start();
    }

    long session(int timeoutMs) {
        CompletableFuture<OpResult> f = new CompletableFuture<>();
        node.createSession(timeoutMs, new byte[16], new SessionOwner() {
            @Override
            public void sessionClosed(long sessionId) {
            }

            @Override
            public void sessionMoved(long sessionId) {
            }
        }, (r, z) -> f.complete(r));
        return ((OpResult.SessionOpened) join(f)).sessionId();
    }

    /** Keeps a session alive, as a client's pings would. */
    void touch(long session) {
        node.touch(session);
    }

    void close(long session) {
        CompletableFuture<OpResult> f = new CompletableFuture<>();
        node.closeSession(session, (r, z) -> f.complete(r));
        join(f);
    }

    OpResult write(long session, WriteOp op) {
        CompletableFuture<OpResult> f = new CompletableFuture<>();
        if (!node.write(session, List.of(), op, (r, z) -> f.complete(r))) throw new IllegalStateException("node busy");
        OpResult r = join(f);
        if (r instanceof OpResult.Error e) throw new IllegalStateException(op + " failed: " + e.code());
        if (r instanceof OpResult.MultiResults m && m.failed()) throw new IllegalStateException(op + " failed: " + m.results());
        return r;
    }

    /** Creates {@code path} and any missing parent, persistent, as Kafka's createRecursive does. */
    void mkdirs(long session, String path) {
        List<String> levels = new ArrayList<>();
        for (int i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) levels.add(path.substring(0, i));
        levels.add(path);
        for (String p : levels) {
            try {
                write(session, create(p, null, CreateMode.PERSISTENT));
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("NODE_EXISTS")) throw e;
            }
        }
    }

    void put(long session, String path, String data) {
        try {
            write(session, new WriteOp.SetData(path, bytes(data), -1));
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("NO_NODE")) throw e;
            write(session, create(path, bytes(data), CreateMode.PERSISTENT));
        }
    }

    void delete(long session, String path) {
        write(session, new WriteOp.Delete(path, -1, false));
    }

    /** Kafka's registration: an ephemeral created with null data and set in the same multi. */
    void register(long session, String path, String json) {
        write(session, new WriteOp.Multi(List.of(create(path, null, CreateMode.EPHEMERAL), new WriteOp.SetData(path, bytes(json), 0))));
    }

    static WriteOp.Create create(String path, byte[] data, CreateMode mode) {
        return new WriteOp.Create(path, data, Acl.OPEN_ACL_UNSAFE, mode, mode.isTtl() ? 1000 : -1);
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
