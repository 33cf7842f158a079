package dev.meerkat.wire.proto;

import dev.meerkat.wire.jute.JuteException;
import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;

/**
 * deleteContainer (20). ZooKeeper encodes the path as a length-prefixed buffer, which is the same
 * bytes as a string; a null (-1) path is rejected because ZooKeeper cannot parse one either.
 */
public record DeleteContainerRequest(String path) implements Request {

    public static DeleteContainerRequest read(JuteInput in) throws JuteException {
        String path = in.readString();
        if (path == null) {
            throw new JuteException("deleteContainer with a null path");
        }
        return new DeleteContainerRequest(path);
    }

    @Override
    public int opcode() {
        return OpCode.DELETE_CONTAINER;
    }

    @Override
    public void write(JuteOutput out) {
        out.writeString(path);
    }
}
