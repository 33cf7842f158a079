package dev.meerkat.core.node;

import dev.meerkat.core.cluster.ServerSpec;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.core.stats.ServerMode;

import java.util.ArrayList;
import java.util.List;

/**
 * The quorum facts of a node, read from the status its log thread publishes: a single node is
 * "standalone"; an ensemble member is leader, follower or observer, or "looking" while it knows
 * no leader. Any thread; never waits.
 */
public final class NodeQuorumView implements QuorumView {
    private final Node node;

    public NodeQuorumView(Node node) {
        this.node = node;
    }

    private ClusterStatus status() {
        return node.status();
    }

    @Override
    public ServerMode mode() {
        if (node.isReadOnly()) return ServerMode.READ_ONLY;
        return switch (status().mode()) {
            case "standalone" -> ServerMode.STANDALONE;
            case "leader" -> ServerMode.LEADER;
            case "follower" -> ServerMode.FOLLOWER;
            case "observer" -> ServerMode.OBSERVER;
            default -> ServerMode.LOOKING;
        };
    }

    @Override
    public long serverId() {
        return node.cluster().isStandalone() ? 0 : node.serverId();
    }

    @Override
    public long term() {
        return status().term();
    }

    @Override
    public long commitIndex() {
        return status().commitIndex();
    }

    @Override
    public long leaderId() {
        ClusterStatus s = status();
        if (node.cluster().isStandalone()) return -1;
        return s.leaderId() == 0 ? -1 : s.leaderId();
    }

    @Override
    public int learners() {
        return (int) status().peers().stream().filter(ClusterStatus.PeerProgress::active).count();
    }

    @Override
    public int followers() {
        return (int) status().peers().stream().filter(p -> !p.observer()).count();
    }

    @Override
    public int syncedFollowers() {
        return (int) status().peers().stream().filter(p -> !p.observer() && p.active()).count();
    }

    @Override
    public int syncedObservers() {
        return (int) status().peers().stream().filter(p -> p.observer() && p.active()).count();
    }

    @Override
    public int pendingSyncs() {
        return status().pendingSyncs();
    }

    @Override
    public List<Peer> peers() {
        if (node.cluster().isStandalone()) return List.of();
        ClusterStatus s = status();
        List<Peer> out = new ArrayList<>();
        for (ServerSpec spec : node.cluster().servers().values()) {
            boolean synced = spec.id() == node.serverId()
                    || s.peers().stream().anyMatch(p -> p.id() == spec.id() && p.active());
            out.add(new Peer(spec.id(), spec.host() + ":" + spec.peerPort(), synced, spec.observer()));
        }
        return out;
    }

    @Override
    public String peerState() {
        return switch (mode()) {
            case LEADER -> "leading - broadcast";
            case FOLLOWER -> "following - broadcast";
            case OBSERVER -> "observing - broadcast";
            case LOOKING, READ_ONLY -> "looking - election";
            case STANDALONE -> null;
        };
    }
}
