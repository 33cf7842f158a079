package dev.meerkat.it.ops;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The same small history on any server: nodes, an ephemeral, one watch of every kind, and enough
 * writes to pass zxid 128 (the first entry of the digest log). The client stays connected so that
 * connections, watches and sessions have something to list.
 */
final class Workload {
    private Workload() {
    }

    static ZooKeeper run(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 30_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no session with " + connectString);
        zk.create("/a", "hello".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/a/b", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/e", "y".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        for (int i = 0; i < 140; i++) zk.setData("/a/b", ("v" + i).getBytes(), -1);
        zk.exists("/a", true);
        zk.getData("/a/b", true, null);
        zk.getChildren("/a", true);
        zk.addWatch("/a", e -> { }, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.addWatch("/a/b", e -> { }, AddWatchMode.PERSISTENT);
        zk.getData("/a", false, null);
        return zk;
    }
}
