package dev.meerkat.it.protocol;

import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;
import dev.meerkat.wire.proto.ReplyHeader;
import dev.meerkat.wire.proto.WatcherEvent;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A bare Jute client for what the official client cannot send: raw opcodes, bad paths, bad frames. */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int xid = 1;
    final List<WatcherEvent> notifications = new ArrayList<>();

    record Reply(ReplyHeader header, JuteInput body) {
        int err() {
            return header.err();
        }
    }

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    ConnectResponse connect() throws IOException {
        return connect(0, 10_000, 0, new byte[16]);
    }

    ConnectResponse connect(long lastZxidSeen, int timeout, long sessionId, byte[] passwd) throws IOException {
        JuteOutput o = new JuteOutput();
        int mark = o.beginFrame();
        new ConnectRequest(0, lastZxidSeen, timeout, sessionId, passwd, false).write(o);
        o.endFrame(mark);
        sendRaw(o.toByteArray());
        byte[] frame = readFrame();
        if (frame == null) return null;
        return ConnectResponse.read(new JuteInput(frame));
    }

    /** Sends a request and returns its reply, collecting any notifications that come first. */
    Reply call(int type, Consumer<JuteOutput> body) throws IOException {
        int myXid = xid++;
        JuteOutput o = new JuteOutput();
        int mark = o.beginFrame();
        o.writeInt(myXid).writeInt(type);
        body.accept(o);
        o.endFrame(mark);
        sendRaw(o.toByteArray());
        while (true) {
            byte[] frame = readFrame();
            if (frame == null) throw new EOFException("server closed the connection");
            JuteInput i = new JuteInput(frame);
            ReplyHeader h = ReplyHeader.read(i);
            if (h.xid() == -1) {
                notifications.add(WatcherEvent.read(i));
                continue;
            }
            if (h.xid() != myXid) throw new IllegalStateException("reply xid " + h.xid() + " for request " + myXid);
            return new Reply(h, i);
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Ends the write side only (as {@code nc -N} does); the server may still answer. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** One frame, or null when the server closed the connection. */
    byte[] readFrame() throws IOException {
        try {
            int len = in.readInt();
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** True when the server closes the connection (within the socket timeout) without sending anything. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
