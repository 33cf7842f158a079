package dev.meerkat.registry.probe;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * One bounded check of one broker endpoint: connect, send Kafka's ApiVersions request (built and
 * parsed by kafka-clients' own protocol classes), read the answer. ApiVersions is the first request
 * every Kafka client sends, and brokers answer it before any authentication, so a PLAINTEXT or
 * SASL_PLAINTEXT listener that answers is one a client can use. TLS listeners get a TCP connect only.
 */
final class ApiVersionsCheck {
    private static final String CLIENT_ID = "meerkat-broker-registry";
    private static final short VERSION = 3;
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private ApiVersionsCheck() {
    }

    record Outcome(boolean reachable, String level, String error) {
    }

    static Outcome check(String host, int port, boolean tlsListener, int timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            if (tlsListener) return new Outcome(true, "tcp", null);
            RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, VERSION, CLIENT_ID, 1);
            ByteBuffer request = new ApiVersionsRequest.Builder(VERSION).build(VERSION).serializeWithHeader(header);
            OutputStream out = socket.getOutputStream();
            byte[] frame = new byte[4 + request.remaining()];
            ByteBuffer.wrap(frame).putInt(request.remaining()).put(request);
            out.write(frame);
            out.flush();
            socket.setSoTimeout(remainingMs(deadline));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            if (size < 4 || size > MAX_RESPONSE_BYTES) return new Outcome(false, "api", "answer of " + size + " bytes is not Kafka's");
            byte[] body = new byte[size];
            socket.setSoTimeout(remainingMs(deadline));
            in.readFully(body);
            AbstractResponse parsed = AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
            Errors error = ((ApiVersionsResponse) parsed).data().errorCode() == 0 ? Errors.NONE
                    : Errors.forCode(((ApiVersionsResponse) parsed).data().errorCode());
            // UNSUPPORTED_VERSION still proves a live Kafka broker answered.
            return error == Errors.NONE || error == Errors.UNSUPPORTED_VERSION ? new Outcome(true, "api", null)
                    : new Outcome(false, "api", "ApiVersions answered " + error.name());
        } catch (SocketTimeoutException e) {
            return new Outcome(false, tlsListener ? "tcp" : "api", "timed out after " + timeoutMs + " ms");
        } catch (IOException e) {
            return new Outcome(false, tlsListener ? "tcp" : "api", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // kafka-clients throws its own unchecked exceptions for answers it cannot parse.
            return new Outcome(false, "api", "unreadable answer: " + e.getMessage());
        }
    }

    private static int remainingMs(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (ms <= 0) throw new SocketTimeoutException();
        return (int) ms;
    }
}
