package dev.meerkat.it.protocol;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What a scenario saw, with everything server-specific normalised away (absolute zxids, times,
 * session ids) so that a run against Meerkat and one against ZooKeeper can be compared line by line.
 */
final class Transcript {
    final List<String> lines = new ArrayList<>();

    /** Runs one call and records its normalised result or its error code. */
    void op(String label, Callable<Object> call) {
        try {
            lines.add(label + " -> " + norm(call.call()));
        } catch (KeeperException e) {
            String line = label + " -> ERR " + e.code();
            if (e.getResults() != null) line += " " + norm(e.getResults());
            lines.add(line);
        } catch (Exception e) {
            lines.add(label + " -> EXCEPTION " + e.getClass().getSimpleName());
        }
    }

    void note(String label, Object value) {
        lines.add(label + " = " + norm(value));
    }

    static String norm(Object o) {
        if (o == null) return "null";
        if (o instanceof byte[] b) return "'" + new String(b, StandardCharsets.UTF_8) + "'";
        if (o instanceof Stat s) return stat(s);
        if (o instanceof OpResult r) return opResult(r);
        if (o instanceof ACL a) return a.getId().getScheme() + ":" + a.getId().getId() + "/" + a.getPerms();
        if (o instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object x : l) out.add(norm(x));
            boolean strings = !l.isEmpty() && l.get(0) instanceof String;
            if (strings) out.sort(null);
            return out.toString();
        }
        return String.valueOf(o);
    }

    static String stat(Stat s) {
        String owner = s.getEphemeralOwner() == 0 ? "0" : s.getEphemeralOwner() == Long.MIN_VALUE ? "container"
                : (s.getEphemeralOwner() >>> 56) == 0xff ? "ttl:" + (s.getEphemeralOwner() & 0xffffffffffL) : "session";
        return "{v=" + s.getVersion() + " cv=" + s.getCversion() + " av=" + s.getAversion() + " len=" + s.getDataLength()
                + " n=" + s.getNumChildren() + " owner=" + owner + " c=m:" + (s.getCzxid() == s.getMzxid())
                + " p=c:" + (s.getPzxid() == s.getCzxid()) + " p>=m:" + (s.getPzxid() >= s.getMzxid())
                + " ctime<=mtime:" + (s.getCtime() <= s.getMtime()) + "}";
    }

    static String opResult(OpResult r) {
        if (r instanceof OpResult.CreateResult c) return "create(" + c.getPath() + (c.getStat() == null ? "" : " " + stat(c.getStat())) + ")";
        if (r instanceof OpResult.SetDataResult s) return "setData(" + stat(s.getStat()) + ")";
        if (r instanceof OpResult.DeleteResult) return "delete";
        if (r instanceof OpResult.CheckResult) return "check";
        if (r instanceof OpResult.ErrorResult e) return "error(" + e.getErr() + ")";
        if (r instanceof OpResult.GetDataResult g) return "getData(" + norm(g.getData()) + " " + stat(g.getStat()) + ")";
        if (r instanceof OpResult.GetChildrenResult g) return "getChildren(" + norm(g.getChildren()) + ")";
        return r.toString();
    }
}
