package dev.meerkat.it.hardening;

import dev.meerkat.wire.jute.JuteInput;
import dev.meerkat.wire.jute.JuteOutput;
import dev.meerkat.wire.proto.ConnectRequest;
import dev.meerkat.wire.proto.ConnectResponse;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Consumer;

/** A misbehaving client: raw frames, pipelined without reading, small buffers. */
final class Raw implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    Raw(int port, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    ConnectResponse connect() throws IOException {
        JuteOutput o = new JuteOutput();
        int mark = o.beginFrame();
        new ConnectRequest(0, 0, 30_000, 0, new byte[16], false).write(o);
        o.endFrame(mark);
        out.write(o.toByteArray());
        out.flush();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return ConnectResponse.read(new JuteInput(b));
    }

    /** {@code count} requests of {@code type} in one write, xids from 1. */
    void pipeline(int count, int type, Consumer<JuteOutput> body) throws IOException {
        JuteOutput o = new JuteOutput();
        for (int i = 1; i <= count; i++) {
            int mark = o.beginFrame();
            o.writeInt(i).writeInt(type);
            body.accept(o);
            o.endFrame(mark);
        }
        out.write(o.toByteArray());
        out.flush();
    }

    /** Reads replies until {@code count} have come or the server closed; returns how many. */
    int readReplies(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
            } catch (java.io.EOFException | java.net.SocketException e) {
                return i;
            }
        }
        return count;
    }

    /** Whether the server has closed the connection (reading whatever it sent before). */
    boolean closedByServer() {
        try {
            byte[] sink = new byte[1 << 16];
            while (in.read(sink) >= 0) {
                // drain what the server wrote before it closed
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
