package dev.meerkat.wire.server;

import dev.meerkat.wire.proto.OpCode;

/** ZooKeeper's names for opcodes: the four-letter "last operation" of cons, and the full name of metrics. */
public final class OpNames {
    private OpNames() {
    }

    /** cons's {@code lop=}: what ZooKeeper's FinalRequestProcessor records for the last reply. */
    public static String lastOp(int opcode) {
        return switch (opcode) {
            case OpCode.PING -> "PING";
            case OpCode.CREATE_SESSION -> "SESS";
            case OpCode.MULTI -> "MULT";
            case OpCode.MULTI_READ -> "MLTR";
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> "CREA";
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> "DELE";
            case OpCode.SET_DATA -> "SETD";
            case OpCode.RECONFIG -> "RECO";
            case OpCode.SET_ACL -> "SETA";
            case OpCode.CLOSE_SESSION -> "CLOS";
            case OpCode.SYNC -> "SYNC";
            case OpCode.CHECK -> "CHEC";
            case OpCode.EXISTS -> "EXIS";
            case OpCode.GET_DATA -> "GETD";
            case OpCode.SET_WATCHES -> "SETW";
            case OpCode.SET_WATCHES2 -> "STW2";
            case OpCode.ADD_WATCH -> "ADDW";
            case OpCode.GET_ACL -> "GETA";
            case OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2 -> "GETC";
            case OpCode.GET_ALL_CHILDREN_NUMBER -> "GETACN";
            case OpCode.CHECK_WATCHES -> "CHKW";
            case OpCode.REMOVE_WATCHES -> "REMW";
            case OpCode.WHO_AM_I -> "HOMI";
            case OpCode.GET_EPHEMERALS -> "GETE";
            default -> "NA";
        };
    }

    /** ZooKeeper's Request.op2String: the label of per-opcode metrics. */
    public static String name(int opcode) {
        return switch (opcode) {
            case OpCode.NOTIFICATION -> "notification";
            case OpCode.CREATE -> "create";
            case OpCode.DELETE -> "delete";
            case OpCode.EXISTS -> "exists";
            case OpCode.GET_DATA -> "getData";
            case OpCode.SET_DATA -> "setData";
            case OpCode.GET_ACL -> "getACL";
            case OpCode.SET_ACL -> "setACL";
            case OpCode.GET_CHILDREN -> "getChildren";
            case OpCode.SYNC -> "sync";
            case OpCode.PING -> "ping";
            case OpCode.GET_CHILDREN2 -> "getChildren2";
            case OpCode.CHECK -> "check";
            case OpCode.MULTI -> "multi";
            case OpCode.CREATE2 -> "create2";
            case OpCode.RECONFIG -> "reconfig";
            case OpCode.CHECK_WATCHES -> "checkWatches";
            case OpCode.REMOVE_WATCHES -> "removeWatches";
            case OpCode.CREATE_CONTAINER -> "createContainer";
            case OpCode.DELETE_CONTAINER -> "deleteContainer";
            case OpCode.CREATE_TTL -> "createTTL";
            case OpCode.MULTI_READ -> "multiRead";
            case OpCode.AUTH -> "auth";
            case OpCode.SET_WATCHES -> "setWatches";
            case OpCode.SET_WATCHES2 -> "setWatches2";
            case OpCode.ADD_WATCH -> "addWatch";
            case OpCode.SASL -> "sasl";
            case OpCode.GET_EPHEMERALS -> "getEphemerals";
            case OpCode.GET_ALL_CHILDREN_NUMBER -> "getAllChildrenNumber";
            case OpCode.CREATE_SESSION -> "createSession";
            case OpCode.CLOSE_SESSION -> "closeSession";
            case OpCode.ERROR -> "error";
            case OpCode.WHO_AM_I -> "whoAmI";
            default -> "unknown";
        };
    }
}
