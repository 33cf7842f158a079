package dev.meerkat.it.cluster;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Every node under a path, with its data and every Stat field, read from one server after a sync. */
final class TreeDump {
    record Node(String data, long czxid, long mzxid, long pzxid, int version, int cversion, int aversion,
                long ephemeralOwner, int numChildren) {
    }

    private TreeDump() {
    }

    static Map<String, Node> of(ZooKeeper zk, String root) throws Exception {
        CompletableFuture<Void> synced = new CompletableFuture<>();
        zk.sync(root, (rc, path, ctx) -> {
            if (rc == 0) synced.complete(null);
            else synced.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
        }, null);
        synced.get(30, TimeUnit.SECONDS);
        Map<String, Node> out = new TreeMap<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            String path = todo.poll();
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData(path, false, stat);
            } catch (KeeperException.NoNodeException e) {
                continue;
            }
            out.put(path, new Node(data == null ? null : Arrays.toString(data).hashCode() + ":" + data.length, stat.getCzxid(),
                    stat.getMzxid(), stat.getPzxid(), stat.getVersion(), stat.getCversion(), stat.getAversion(),
                    stat.getEphemeralOwner(), stat.getNumChildren()));
            for (String child : zk.getChildren(path, false)) todo.add((path.equals("/") ? "" : path) + "/" + child);
        }
        return out;
    }
}
