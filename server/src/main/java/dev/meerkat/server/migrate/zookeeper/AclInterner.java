package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.core.api.Acl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One shared, immutable instance per distinct ACL list, as ZooKeeper's reference-counted ACL cache
 * keeps them: a million znodes usually share a handful of lists.
 */
public final class AclInterner {
    private final Map<List<Acl>, List<Acl>> lists = new HashMap<>();

    public AclInterner() {
        lists.put(Acl.OPEN_ACL_UNSAFE, Acl.OPEN_ACL_UNSAFE);
    }

    public List<Acl> intern(List<Acl> acl) {
        List<Acl> known = lists.get(acl);
        if (known != null) return known;
        List<Acl> copy = List.copyOf(acl);
        lists.put(copy, copy);
        return copy;
    }
}
