package dev.meerkat.core.raft;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who votes and who only listens. A CONFIG log entry carries the complete resulting membership
 * (not the delta), so a node can adopt it without knowing the configuration before it.
 */
public record Membership(Set<Long> voters, Set<Long> learners) {

    public static final Membership EMPTY = new Membership(Set.of(), Set.of());

    public Membership {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        for (long id : voters) {
            if (id <= 0) throw new IllegalArgumentException("node ids are positive: " + id);
            if (learners.contains(id)) throw new IllegalArgumentException("node " + id + " is both voter and learner");
        }
    }

    // Written out: a record's generated equals and hashCode bootstrap method handles on first use,
    // which a cold start pays for in tens of milliseconds.
    @Override
    public boolean equals(Object o) {
        return o instanceof Membership m && voters.equals(m.voters) && learners.equals(m.learners);
    }

    @Override
    public int hashCode() {
        return 31 * voters.hashCode() + learners.hashCode();
    }

    public static Membership ofVoters(Long... ids) {
        return new Membership(Set.of(ids), Set.of());
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    public boolean isLearner(long id) {
        return learners.contains(id);
    }

    public boolean contains(long id) {
        return isVoter(id) || isLearner(id);
    }

    /** Votes needed for a decision: a strict majority of the voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    /**
     * The membership after {@code change}, or null when the change makes no sense here (adding a
     * member twice, promoting a non-learner, removing a stranger or the last voter).
     */
    public Membership apply(ConfigChange change) {
        long id = change.nodeId();
        TreeSet<Long> v = new TreeSet<>(voters);
        TreeSet<Long> l = new TreeSet<>(learners);
        switch (change.type()) {
            case ADD_VOTER -> {
                if (contains(id)) return null;
                v.add(id);
            }
            case ADD_LEARNER -> {
                if (contains(id)) return null;
                l.add(id);
            }
            case PROMOTE_LEARNER -> {
                if (!l.remove(id)) return null;
                v.add(id);
            }
            case REMOVE_NODE -> {
                if (!v.remove(id) && !l.remove(id)) return null;
                if (v.isEmpty()) return null;
            }
        }
        return new Membership(v, l);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + 8 * (voters.size() + learners.size()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Membership decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            return read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt membership", e);
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(voters.size());
        for (long id : voters) out.writeLong(id);
        out.writeInt(learners.size());
        for (long id : learners) out.writeLong(id);
    }

    static Membership read(DataInputStream in) throws IOException {
        int nv = in.readInt();
        if (nv < 0 || nv > 100_000) throw new IOException("bad voter count " + nv);
        TreeSet<Long> v = new TreeSet<>();
        for (int i = 0; i < nv; i++) v.add(in.readLong());
        int nl = in.readInt();
        if (nl < 0 || nl > 100_000) throw new IOException("bad learner count " + nl);
        TreeSet<Long> l = new TreeSet<>();
        for (int i = 0; i < nl; i++) l.add(in.readLong());
        return new Membership(v, l);
    }

    @Override
    public String toString() {
        return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners);
    }
}
