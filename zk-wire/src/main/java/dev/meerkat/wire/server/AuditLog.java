package dev.meerkat.wire.server;

import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.node.AppliedListener;
import dev.meerkat.wire.proto.ACL;
import dev.meerkat.wire.proto.CreateRequest;
import dev.meerkat.wire.proto.CreateTTLRequest;
import dev.meerkat.wire.proto.DeleteContainerRequest;
import dev.meerkat.wire.proto.DeleteRequest;
import dev.meerkat.wire.proto.MultiRequest;
import dev.meerkat.wire.proto.MultiResponse;
import dev.meerkat.wire.proto.ReconfigRequest;
import dev.meerkat.wire.proto.Request;
import dev.meerkat.wire.proto.SetACLRequest;
import dev.meerkat.wire.proto.SetDataRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * ZooKeeper's audit log ({@code audit.enable}): one line per write a client of this server made,
 * in ZooKeeper's format ({@code session=0x.. user=.. ip=.. operation=create znode=/a
 * znode_type=persistent  result=success}, tab-separated), through a logger of its own named as
 * ZooKeeper's ({@value #LOGGER}), so a log configuration that sends ZooKeeper's audit to a file of
 * its own works unchanged. Failures are logged at ERROR, the rest at INFO, as ZooKeeper does. Meerkat
 * also logs authentication ({@code operation=addAuth} and {@code operation=saslAuth}), and the
 * ephemeral nodes a session's end removes, as ZooKeeper does.
 */
final class AuditLog {
    static final String LOGGER = "org.apache.zookeeper.audit.Slf4jAuditLogger";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AuditLog() {
    }

    /** A reply to a request was computed; writes are audited. Event loop. */
    static void answered(long sessionId, String ip, List<AuthId> ids, Request request, Reply reply) {
        String session = "0x" + Long.toHexString(sessionId);
        String user = users(ids);
        boolean ok = reply.err() == 0;
        if (request instanceof CreateRequest c) {
            line(session, user, ip, "create", c.path(), mode(c.flags()), null, ok);
        } else if (request instanceof CreateTTLRequest c) {
            line(session, user, ip, "create", c.path(), mode(c.flags()), null, ok);
        } else if (request instanceof DeleteRequest d) {
            line(session, user, ip, "delete", d.path(), null, null, ok);
        } else if (request instanceof DeleteContainerRequest d) {
            line(session, user, ip, "delete", d.path(), null, null, ok);
        } else if (request instanceof SetDataRequest s) {
            line(session, user, ip, "setData", s.path(), null, null, ok);
        } else if (request instanceof SetACLRequest s) {
            line(session, user, ip, "setAcl", s.path(), null, acl(s.acl()), ok);
        } else if (request instanceof MultiRequest m) {
            multi(session, user, ip, m, reply);
        } else if (request instanceof ReconfigRequest) {
            // As ZooKeeper: the znode is the one the change was written to; a refused reconfig has none.
            line(session, user, ip, "reconfig", ok ? "/zookeeper/config" : null, null, null, ok);
        }
    }

    /** As ZooKeeper: each op of a multi that succeeded on its own line, or one multiOperation failure. */
    private static void multi(String session, String user, String ip, MultiRequest m, Reply reply) {
        boolean failed = reply.err() != 0 || !(reply.body() instanceof MultiResponse r)
                || r.results().stream().anyMatch(x -> x instanceof dev.meerkat.wire.proto.OpResult.ErrorResult);
        if (failed) {
            line(session, user, ip, "multiOperation", null, null, null, false);
            return;
        }
        for (Request.MultiOp op : m.ops()) {
            if (op instanceof CreateRequest c) line(session, user, ip, "create", c.path(), mode(c.flags()), null, true);
            else if (op instanceof CreateTTLRequest c) line(session, user, ip, "create", c.path(), mode(c.flags()), null, true);
            else if (op instanceof DeleteRequest d) line(session, user, ip, "delete", d.path(), null, null, true);
            else if (op instanceof SetDataRequest s) line(session, user, ip, "setData", s.path(), null, null, true);
        }
    }

    /** An authentication attempt (auth packet or SASL). */
    static void authenticated(long sessionId, String ip, List<AuthId> ids, String operation, String scheme, boolean ok) {
        line("0x" + Long.toHexString(sessionId), users(ids), ip, operation, null, scheme, null, ok);
    }

    /**
     * Ephemeral nodes removed because their session closed or expired, as ZooKeeper's
     * {@code ephemeralZNodeDeletionOnSessionCloseOrExpire} lines; on the server that applied it for
     * its own client, or on the leader for an expiry. Tree thread.
     */
    static AppliedListener ephemeralDeletions(long serverId) {
        return (zxid, proposal, applied, tree) -> {
            if (!(proposal.command() instanceof Command.CloseSession c) || applied.closedSessionId() == 0) return;
            // A close asked for here, or an expiry (which every server applies and logs).
            if (proposal.originServer() != serverId && !c.expired()) return;
            String session = "0x" + Long.toHexString(c.sessionId());
            for (WatchEvent e : applied.events()) {
                if (e.type() == EventType.NODE_DELETED) {
                    line(session, System.getProperty("user.name"), null, "ephemeralZNodeDeletionOnSessionCloseOrExpire", e.path(), null, null, true);
                }
            }
        };
    }

    private static String mode(int flags) {
        return switch (flags) {
            case 0 -> "persistent";
            case 1 -> "ephemeral";
            case 2 -> "persistent_sequential";
            case 3 -> "ephemeral_sequential";
            case 4 -> "container";
            case 5 -> "persistent_with_ttl";
            case 6 -> "persistent_sequential_with_ttl";
            default -> null;
        };
    }

    private static String users(List<AuthId> ids) {
        StringBuilder b = new StringBuilder();
        for (AuthId id : ids) {
            String name = Identities.userName(id);
            if (name == null || name.isBlank()) continue;
            if (b.length() > 0) b.append(',');
            b.append(name);
        }
        return b.toString();
    }

    /** ZooKeeper's {@code ZKUtil.aclToString}: {@code scheme:id:perms} with perms as cdrwa letters, comma-separated. */
    private static String acl(List<ACL> acl) {
        if (acl == null) return null;
        StringBuilder b = new StringBuilder();
        for (ACL a : acl) {
            if (a == null) continue;
            if (b.length() > 0) b.append(',');
            b.append(a.id().scheme()).append(':').append(a.id().id()).append(':').append(perms(a.perms()));
        }
        return b.toString();
    }

    private static String perms(int p) {
        StringBuilder b = new StringBuilder();
        if ((p & 4) != 0) b.append('c');
        if ((p & 8) != 0) b.append('d');
        if ((p & 1) != 0) b.append('r');
        if ((p & 2) != 0) b.append('w');
        if ((p & 16) != 0) b.append('a');
        return b.toString();
    }

    private static void line(String session, String user, String ip, String op, String znode, String znodeType, String acl, boolean ok) {
        StringBuilder b = new StringBuilder();
        field(b, "session", session);
        field(b, "user", user);
        field(b, "ip", ip);
        field(b, "operation", op);
        field(b, "znode", znode);
        field(b, "znode_type", znodeType);
        field(b, "acl", acl);
        b.append("result=").append(ok ? "success" : "failure");
        if (ok) LOG.info("{}", b);
        else LOG.error("{}", b);
    }

    private static void field(StringBuilder b, String key, String value) {
        if (value == null) return;
        b.append(key).append('=').append(value.replaceAll("[\\t\\n\\r]", "")).append('\t');
    }
}
