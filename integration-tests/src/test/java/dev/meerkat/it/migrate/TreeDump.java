package dev.meerkat.it.migrate;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole tree as a client sees it: for every znode its data, ACL and every Stat field. Two
 * servers holding the same tree give equal dumps, whatever they run on.
 */
public final class TreeDump {
    private TreeDump() {
    }

    public static Map<String, String> of(ZooKeeper zk) throws Exception {
        return of(zk, "/");
    }

    public static Map<String, String> of(ZooKeeper zk, String root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            Stat st = new Stat();
            byte[] data;
            List<ACL> acl;
            List<String> children;
            try {
                data = zk.getData(p, false, st);
                acl = zk.getACL(p, new Stat());
                children = zk.getChildren(p, false);
            } catch (KeeperException.NoNodeException e) {
                continue;
            }
            out.put(p, line(data, acl, st));
            for (String c : children) todo.add(p.equals("/") ? "/" + c : p + "/" + c);
        }
        return out;
    }

    public static String line(byte[] data, List<ACL> acl, Stat s) {
        StringBuilder b = new StringBuilder();
        b.append(data == null ? "null" : data.length <= 64 ? HexFormat.of().formatHex(data)
                : data.length + "B#" + Integer.toHexString(java.util.Arrays.hashCode(data)));
        b.append(" acl=");
        for (ACL a : acl) b.append(a.getPerms()).append(':').append(a.getId().getScheme()).append(':').append(a.getId().getId()).append(',');
        b.append(String.format(" czxid=%x mzxid=%x ctime=%d mtime=%d version=%d cversion=%d aversion=%d owner=%x dataLength=%d"
                        + " numChildren=%d pzxid=%x", s.getCzxid(), s.getMzxid(), s.getCtime(), s.getMtime(), s.getVersion(),
                s.getCversion(), s.getAversion(), s.getEphemeralOwner(), s.getDataLength(), s.getNumChildren(), s.getPzxid()));
        return b.toString();
    }

    /** The largest zxid any znode of the dump carries (czxid, mzxid, pzxid). */
    public static long maxZxid(Map<String, String> dump) {
        long max = 0;
        for (String line : dump.values()) {
            for (String key : List.of("czxid=", "mzxid=", "pzxid=")) {
                int i = line.indexOf(key) + key.length();
                int j = line.indexOf(' ', i);
                max = Math.max(max, Long.parseLong(j < 0 ? line.substring(i) : line.substring(i, j), 16));
            }
        }
        return max;
    }
}
