package dev.meerkat.core.raft;

/**
 * One membership step. Raft changes membership one server at a time, so any two consecutive
 * configurations share a majority and no joint consensus is needed.
 */
public record ConfigChange(Type type, long nodeId) {

    public enum Type {
        ADD_VOTER,
        /** Removes the node whether it is a voter or a learner. */
        REMOVE_NODE,
        ADD_LEARNER,
        PROMOTE_LEARNER
    }

    public ConfigChange {
        if (type == null) throw new NullPointerException("type");
        if (nodeId <= 0) throw new IllegalArgumentException("node ids are positive: " + nodeId);
    }

    public static ConfigChange addVoter(long id) {
        return new ConfigChange(Type.ADD_VOTER, id);
    }

    public static ConfigChange removeNode(long id) {
        return new ConfigChange(Type.REMOVE_NODE, id);
    }

    public static ConfigChange addLearner(long id) {
        return new ConfigChange(Type.ADD_LEARNER, id);
    }

    public static ConfigChange promoteLearner(long id) {
        return new ConfigChange(Type.PROMOTE_LEARNER, id);
    }
}
