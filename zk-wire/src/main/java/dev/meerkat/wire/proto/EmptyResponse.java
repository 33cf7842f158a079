package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * No body after the reply header: the answer to delete, deleteContainer, check, setWatches(2),
 * checkWatches, removeWatches, auth, ping and closeSession. (addWatch is NOT one of them: it
 * gets {@link ErrorResponse}(0), which the Java client insists on reading.)
 */
public record EmptyResponse() implements Response {

    public static final EmptyResponse INSTANCE = new EmptyResponse();

    public static EmptyResponse read(JuteInput in) {
        return INSTANCE;
    }

    @Override
    public void write(JuteOutput out) {
        // nothing: the header is the whole reply
    }
}
