package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteOutput;

/**
 * The body that follows a {@link ReplyHeader} with err 0. Which record answers which opcode:
 * <ul>
 *   <li>create 1 → {@link CreateResponse};
 *       create2 15, createContainer 19, createTTL 21 → {@link Create2Response}</li>
 *   <li>exists 3 → {@link ExistsResponse}; getData 4 and reconfig 16 → {@link GetDataResponse};
 *       setData 5 → {@link SetDataResponse}</li>
 *   <li>getACL 6 → {@link GetACLResponse}; setACL 7 → {@link SetACLResponse}</li>
 *   <li>getChildren 8 → {@link GetChildrenResponse}; getChildren2 12 → {@link GetChildren2Response}</li>
 *   <li>sync 9 → {@link SyncResponse}; multi 14 → {@link MultiResponse};
 *       multiRead 22 → {@link MultiReadResponse}</li>
 *   <li>sasl 102 → {@link SetSASLResponse}; getEphemerals 103 → {@link GetEphemeralsResponse};
 *       getAllChildrenNumber 104 → {@link GetAllChildrenNumberResponse}; whoAmI 107 → {@link WhoAmIResponse}</li>
 *   <li>addWatch 106 → {@link ErrorResponse}(0)</li>
 *   <li>everything else (delete, check, setWatches, auth, ping, closeSession, ...) → {@link EmptyResponse}</li>
 * </ul>
 * Each record also has a {@code static read(JuteInput)} for test clients.
 */
public sealed interface Response permits CreateResponse, Create2Response, ExistsResponse, SetDataResponse,
        GetDataResponse, GetACLResponse, SetACLResponse, GetChildrenResponse, GetChildren2Response, SyncResponse,
        GetEphemeralsResponse, GetAllChildrenNumberResponse, WhoAmIResponse, SetSASLResponse, ErrorResponse,
        EmptyResponse, MultiResponse, MultiReadResponse {

    /** Writes the body only; the caller writes the {@link ReplyHeader} first. */
    void write(JuteOutput out);
}
