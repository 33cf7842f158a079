package dev.meerkat.server.migrate.zookeeper;

/** The opcodes that appear in ZooKeeper transaction logs ({@code ZooDefs.OpCode}). */
final class ZkOpCodes {
    static final int CREATE = 1;
    static final int DELETE = 2;
    static final int SET_DATA = 5;
    static final int SET_ACL = 7;
    static final int CHECK = 13;
    static final int MULTI = 14;
    static final int CREATE2 = 15;
    static final int RECONFIG = 16;
    static final int CREATE_CONTAINER = 19;
    static final int DELETE_CONTAINER = 20;
    static final int CREATE_TTL = 21;
    static final int CREATE_SESSION = -10;
    static final int CLOSE_SESSION = -11;
    static final int ERROR = -1;

    /** ZooKeeper's error codes that replay produces or tolerates. */
    static final int OK = 0;
    static final int RUNTIME_INCONSISTENCY = -2;
    static final int NO_NODE = -101;
    static final int NODE_EXISTS = -110;

    private ZkOpCodes() {
    }
}
