package dev.meerkat.registry.probe;

import java.util.List;
import java.util.Map;

/** An advertised listener ({@code NAME://host:port}) and its security protocol. */
record Endpoint(String text, String host, int port, String protocol) {
    boolean tls() {
        return protocol.equals("SSL") || protocol.equals("SASL_SSL");
    }

    static Endpoint parse(String text, Map<String, String> protocols) {
        int sep = text.indexOf("://");
        if (sep <= 0) return null;
        String name = text.substring(0, sep);
        String hostPort = text.substring(sep + 3);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) return null;
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            return new Endpoint(text, host.isEmpty() ? "localhost" : host, port, protocols.getOrDefault(name, name));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The endpoint that tells the most: a plaintext one (ApiVersions round trip) before a TLS one (connect only). */
    static Endpoint best(List<String> endpoints, Map<String, String> protocols) {
        Endpoint tls = null;
        for (String s : endpoints) {
            Endpoint e = parse(s, protocols);
            if (e == null) continue;
            if (!e.tls()) return e;
            if (tls == null) tls = e;
        }
        return tls;
    }
}
