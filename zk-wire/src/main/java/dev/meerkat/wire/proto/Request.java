package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * The body of a client request, one record per opcode. {@link #opcode()} is what goes into the
 * {@link RequestHeader}: records that several opcodes share ({@link CreateRequest} for 1/15/19)
 * keep the one they arrived with; every other record maps to exactly one opcode.
 */
public sealed interface Request permits Request.MultiOp, Request.MultiReadOp,
        DeleteContainerRequest, ExistsRequest, GetACLRequest, SetACLRequest,
        GetChildren2Request, SyncRequest, MultiRequest,
        MultiReadRequest, ReconfigRequest, CheckWatchesRequest, RemoveWatchesRequest, SetWatches, SetWatches2,
        AddWatchRequest, GetEphemeralsRequest, GetAllChildrenNumberRequest, AuthPacket, SetSASLRequest,
        WhoAmIRequest, PingRequest, CloseSessionRequest, UnknownRequest {

    /** The opcode this body is sent under. */
    int opcode();

    /** Writes the body only; the caller writes the {@link RequestHeader} first. */
    void write(JuteOutput out);

    /** An op allowed inside multi (14): create 1/15/19, createTTL 21, delete 2, setData 5, check 13. */
    sealed interface MultiOp extends Request
            permits CreateRequest, CreateTTLRequest, DeleteRequest, SetDataRequest, CheckVersionRequest {
    }

    /** An op allowed inside multiRead (22): getChildren 8, getData 4. */
    sealed interface MultiReadOp extends Request permits GetChildrenRequest, GetDataRequest {
    }

    /**
     * Decodes the body of a request whose header carried {@code type}. Unknown opcodes give an
     * {@link UnknownRequest} (answer -6); a malformed body throws {@link JuteException} (ZooKeeper
     * answers -5, marshalling error). Trailing bytes after a complete body are ignored, as in ZooKeeper.
     */
    static Request decode(int type, JuteInput body) throws JuteException {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.read(type, body);
            case OpCode.CREATE_TTL -> CreateTTLRequest.read(body);
            case OpCode.DELETE -> DeleteRequest.read(body);
            case OpCode.DELETE_CONTAINER -> DeleteContainerRequest.read(body);
            case OpCode.EXISTS -> ExistsRequest.read(body);
            case OpCode.GET_DATA -> GetDataRequest.read(body);
            case OpCode.SET_DATA -> SetDataRequest.read(body);
            case OpCode.GET_ACL -> GetACLRequest.read(body);
            case OpCode.SET_ACL -> SetACLRequest.read(body);
            case OpCode.GET_CHILDREN -> GetChildrenRequest.read(body);
            case OpCode.GET_CHILDREN2 -> GetChildren2Request.read(body);
            case OpCode.SYNC -> SyncRequest.read(body);
            case OpCode.CHECK -> CheckVersionRequest.read(body);
            case OpCode.MULTI -> MultiRequest.read(body);
            case OpCode.MULTI_READ -> MultiReadRequest.read(body);
            case OpCode.RECONFIG -> ReconfigRequest.read(body);
            case OpCode.CHECK_WATCHES -> CheckWatchesRequest.read(body);
            case OpCode.REMOVE_WATCHES -> RemoveWatchesRequest.read(body);
            case OpCode.SET_WATCHES -> SetWatches.read(body);
            case OpCode.SET_WATCHES2 -> SetWatches2.read(body);
            case OpCode.ADD_WATCH -> AddWatchRequest.read(body);
            case OpCode.GET_EPHEMERALS -> GetEphemeralsRequest.read(body);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> GetAllChildrenNumberRequest.read(body);
            case OpCode.AUTH -> AuthPacket.read(body);
            case OpCode.SASL -> SetSASLRequest.read(body);
            case OpCode.WHO_AM_I -> WhoAmIRequest.read(body);
            case OpCode.PING -> PingRequest.read(body);
            case OpCode.CLOSE_SESSION -> CloseSessionRequest.read(body);
            default -> new UnknownRequest(type);
        };
    }
}
