package dev.meerkat.it.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads {@code /api/kafka/events} as a browser's EventSource would (text/event-stream, optionally
 * resuming with Last-Event-ID) and keeps every message it got, on a daemon thread of its own.
 */
final class EventStreamReader implements AutoCloseable {
    record Message(String id, String event, JsonNode data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile InputStream body;
    volatile int status = -1;
    volatile String contentType;

    EventStreamReader(String url, String lastEventId) {
        thread = new Thread(() -> read(url, lastEventId), "sse-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void read(String url, String lastEventId) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
            if (lastEventId != null) req.header("Last-Event-ID", lastEventId);
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse("");
            body = r.body();
            BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String id = null, event = "message";
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) messages.add(new Message(id, event, JSON.readTree(data.toString())));
                    id = null;
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException | InterruptedException e) {
            // The stream ends when the server goes or the test closes it.
        }
    }

    List<Message> kafkaEvents() {
        return messages.stream().filter(m -> m.event().equals("kafka")).toList();
    }

    @Override
    public void close() {
        try {
            InputStream b = body;
            if (b != null) b.close();
        } catch (IOException e) {
            // closing anyway
        }
        thread.interrupt();
    }
}
