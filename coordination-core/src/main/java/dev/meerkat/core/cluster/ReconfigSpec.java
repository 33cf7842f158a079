package dev.meerkat.core.cluster;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a client's reconfig asks for, as ZooKeeper's ReconfigRequest carries it: either an
 * incremental change (servers joining, given as server lines, and ids leaving, each comma
 * separated) or a complete new member list; and the configuration version it was computed from
 * ({@code -1}: whatever is current).
 */
public record ReconfigSpec(String joiningServers, String leavingServers, String newMembers, long fromVersion) {

    public boolean isIncremental() {
        return newMembers == null;
    }

    /**
     * The configuration this request asks for, starting from {@code current}.
     *
     * @throws KeeperError BAD_ARGUMENTS for a request that names nothing, a malformed server line or id,
     *                     or a result without a participant
     */
    public DynamicConfig target(DynamicConfig current) throws KeeperError {
        Map<Long, ServerSpec> next;
        if (!isIncremental()) {
            next = new TreeMap<>();
            for (ServerSpec s : lines(newMembers)) next.put(s.id(), s);
            if (next.isEmpty()) throw bad("the new member list is empty");
        } else {
            boolean none = blank(joiningServers) && blank(leavingServers);
            if (none) throw bad("a reconfig must add, remove or list servers");
            next = new TreeMap<>(current.servers());
            if (!blank(joiningServers)) for (ServerSpec s : lines(joiningServers)) next.put(s.id(), s);
            if (!blank(leavingServers)) {
                for (String part : leavingServers.split(",")) {
                    String idText = part.trim();
                    if (idText.isEmpty()) continue;
                    long id;
                    try {
                        id = Long.parseLong(idText);
                    } catch (NumberFormatException e) {
                        throw bad("'" + idText + "' is not a server id");
                    }
                    next.remove(id);
                }
            }
        }
        DynamicConfig target = new DynamicConfig(next, 0);
        if (target.membership().voters().isEmpty()) throw bad("the new configuration has no participant");
        return target;
    }

    /** Server lines separated by commas or line breaks; a {@code version=} line is skipped. */
    private static java.util.List<ServerSpec> lines(String text) throws KeeperError {
        java.util.List<ServerSpec> out = new java.util.ArrayList<>();
        for (String raw : text.split("[,\n]")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("version=")) continue;
            int eq = line.indexOf('=');
            if (eq < 0) throw bad("'" + line + "' is not a server line (server.N=host:quorumPort:electionPort...)");
            try {
                out.add(ServerLine.parse(line.substring(0, eq).trim(), line.substring(eq + 1)));
            } catch (ServerLine.Malformed e) {
                throw bad(e.getMessage());
            }
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static KeeperError bad(String why) {
        return new KeeperError(ErrorCode.BAD_ARGUMENTS, why);
    }
}
