package dev.meerkat.it.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP GETs against an AdminServer or a metrics endpoint. */
final class Http {
    /**
     * A client per request, HTTP/1.1 only: the JDK client's timeouts run on its own selector thread,
     * so one client's trouble (or an h2c upgrade half done) can never hang every later request.
     */
    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private Http() {
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return get(url, null);
    }

    static HttpResponse<String> get(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> getBytes(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
