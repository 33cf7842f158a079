package dev.meerkat.registry.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the JSON Kafka 3.x writes into its znodes (the formats of Kafka's {@code ZkData}). Every
 * field that Kafka always writes is required; a missing or mistyped one makes the znode
 * {@link Decoded.Malformed} with a reason naming the field. Fields Kafka added in later versions
 * are optional. Unknown fields are ignored, as Kafka itself ignores them.
 */
public final class KafkaZnodeDecoder {
    private static final int PREVIEW_CHARS = 120;
    private final ObjectMapper json = new ObjectMapper();

    public Decoded<BrokerRegistration> broker(byte[] data) {
        return decode(data, n -> {
            int version = intField(n, "version");
            List<String> endpoints = stringList(n, "endpoints");
            Map<String, String> protocols = new LinkedHashMap<>();
            JsonNode map = n.get("listener_security_protocol_map");
            if (map != null && !map.isNull()) {
                if (!map.isObject()) throw new Bad("listener_security_protocol_map is not an object");
                map.fields().forEachRemaining(e -> protocols.put(e.getKey(), text(e.getValue(), "listener_security_protocol_map." + e.getKey())));
            }
            String rack = optionalText(n, "rack");
            String host = optionalText(n, "host");
            int port = n.has("port") ? intField(n, "port") : -1;
            int jmx = n.has("jmx_port") ? intField(n, "jmx_port") : -1;
            if (endpoints.isEmpty() && host == null) throw new Bad("neither endpoints nor host");
            return new BrokerRegistration(version, endpoints, Collections.unmodifiableMap(protocols), rack, host, port, jmx,
                    optionalMillis(n, "timestamp"), features(n.get("features")));
        });
    }

    public Decoded<ControllerRegistration> controller(byte[] data) {
        return decode(data, n -> new ControllerRegistration(n.has("version") ? intField(n, "version") : 1, intField(n, "brokerid"),
                optionalMillis(n, "timestamp"), n.has("kraftControllerEpoch") ? intField(n, "kraftControllerEpoch") : null));
    }

    /** {@code controller_epoch} holds a bare number. */
    public Decoded<Integer> controllerEpoch(byte[] data) {
        if (data == null) return new Decoded.Malformed<>("no data", "");
        String s = new String(data, StandardCharsets.UTF_8).trim();
        try {
            return new Decoded.Ok<>(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return new Decoded.Malformed<>("not a number", preview(data));
        }
    }

    public Decoded<ClusterIdZnode> clusterId(byte[] data) {
        return decode(data, n -> new ClusterIdZnode(optionalText(n, "version"), requiredText(n, "id")));
    }

    public Decoded<TopicAssignment> topic(byte[] data) {
        return decode(data, n -> {
            int version = intField(n, "version");
            SortedMap<Integer, List<Integer>> partitions = replicaMap(n, "partitions", true);
            return new TopicAssignment(version, optionalText(n, "topic_id"), partitions,
                    replicaMap(n, "adding_replicas", false), replicaMap(n, "removing_replicas", false));
        });
    }

    public Decoded<PartitionState> partitionState(byte[] data) {
        return decode(data, n -> new PartitionState(intField(n, "version"), intField(n, "leader"), intField(n, "leader_epoch"),
                intList(n, "isr"), intField(n, "controller_epoch"),
                n.has("leader_recovery_state") ? intField(n, "leader_recovery_state") : null));
    }

    public Decoded<EntityConfig> config(byte[] data) {
        return decode(data, n -> {
            JsonNode c = n.get("config");
            if (c == null || !c.isObject()) throw new Bad("config is missing or not an object");
            SortedMap<String, String> out = new TreeMap<>();
            c.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            return new EntityConfig(intField(n, "version"), Collections.unmodifiableSortedMap(out));
        });
    }

    public Decoded<Reassignment> reassignment(byte[] data) {
        return decode(data, n -> new Reassignment(intField(n, "version"), targets(n, true)));
    }

    public Decoded<IsrChangeNotification> isrChange(byte[] data) {
        return decode(data, n -> new IsrChangeNotification(intField(n, "version"), targets(n, false)));
    }

    public Decoded<FeatureZnode> feature(byte[] data) {
        return decode(data, n -> new FeatureZnode(intField(n, "version"), intField(n, "status"), features(n.get("features"))));
    }

    // ---- helpers -------------------------------------------------------------------------

    private <T> Decoded<T> decode(byte[] data, Function<JsonNode, T> reader) {
        if (data == null || data.length == 0) return new Decoded.Malformed<>("no data", "");
        JsonNode n;
        try {
            n = json.readTree(data);
        } catch (JsonProcessingException e) {
            return new Decoded.Malformed<>("not JSON: " + e.getOriginalMessage(), preview(data));
        } catch (IOException e) {
            return new Decoded.Malformed<>("unreadable: " + e.getMessage(), preview(data));
        }
        if (n == null || !n.isObject()) return new Decoded.Malformed<>("not a JSON object", preview(data));
        try {
            return new Decoded.Ok<>(reader.apply(n));
        } catch (Bad b) {
            return new Decoded.Malformed<>(b.getMessage(), preview(data));
        }
    }

    static String preview(byte[] data) {
        if (data == null) return "";
        String s = new String(data, 0, Math.min(data.length, PREVIEW_CHARS * 4), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(PREVIEW_CHARS).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    private static int intField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new Bad(field + " is missing");
        if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
        // Kafka writes some versions as strings ("version":"1" in cluster/id).
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.textValue().trim());
            } catch (NumberFormatException e) {
                throw new Bad(field + " is not a number: " + v.textValue());
            }
        }
        throw new Bad(field + " is not a whole number");
    }

    private static String requiredText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new Bad(field + " is missing");
        return text(v, field);
    }

    private static String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : text(v, field);
    }

    private static String text(JsonNode v, String field) {
        if (v.isTextual()) return v.textValue();
        if (v.isNumber()) return v.asText();
        throw new Bad(field + " is not text");
    }

    /** Kafka writes timestamps as strings of epoch milliseconds. */
    private static Long optionalMillis(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (v.isIntegralNumber()) return v.longValue();
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue().trim());
            } catch (NumberFormatException e) {
                throw new Bad(field + " is not epoch milliseconds: " + v.textValue());
            }
        }
        throw new Bad(field + " is not epoch milliseconds");
    }

    private static List<String> stringList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new Bad(field + " is not a list");
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) out.add(text(e, field + "[]"));
        return List.copyOf(out);
    }

    private static List<Integer> intList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new Bad(field + " is missing");
        return ints(v, field);
    }

    private static List<Integer> ints(JsonNode v, String field) {
        if (!v.isArray()) throw new Bad(field + " is not a list");
        List<Integer> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) throw new Bad(field + " holds a non-integer");
            out.add(e.intValue());
        }
        return List.copyOf(out);
    }

    private static SortedMap<Integer, List<Integer>> replicaMap(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new Bad(field + " is missing");
            return Collections.emptySortedMap();
        }
        if (!v.isObject()) throw new Bad(field + " is not an object");
        SortedMap<Integer, List<Integer>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int p;
            try {
                p = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new Bad(field + " has a partition that is not a number: " + e.getKey());
            }
            out.put(p, ints(e.getValue(), field + "." + e.getKey()));
        }
        return Collections.unmodifiableSortedMap(out);
    }

    private static List<Reassignment.Target> targets(JsonNode n, boolean withReplicas) {
        JsonNode v = n.get("partitions");
        if (v == null || !v.isArray()) throw new Bad("partitions is missing or not a list");
        List<Reassignment.Target> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isObject()) throw new Bad("partitions holds a non-object");
            out.add(new Reassignment.Target(requiredText(e, "topic"), intField(e, "partition"),
                    withReplicas ? intList(e, "replicas") : List.of()));
        }
        return List.copyOf(out);
    }

    /** Feature ranges: {"name": {"min_version": a, "max_version": b}} (or the *_level names of the feature znode). */
    private static Map<String, List<Integer>> features(JsonNode v) {
        if (v == null || v.isNull()) return Map.of();
        if (!v.isObject()) throw new Bad("features is not an object");
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode r = e.getValue();
            if (!r.isObject()) throw new Bad("features." + e.getKey() + " is not an object");
            Integer min = firstInt(r, "min_version", "min_version_level");
            Integer max = firstInt(r, "max_version", "max_version_level");
            if (max == null) throw new Bad("features." + e.getKey() + " has no max version");
            out.put(e.getKey(), List.of(min == null ? 1 : min, max));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Integer firstInt(JsonNode n, String... fields) {
        for (String f : fields) if (n.has(f)) return intField(n, f);
        return null;
    }

    /** A field-level problem; becomes a {@link Decoded.Malformed}. */
    private static final class Bad extends RuntimeException {
        Bad(String message) {
            super(message, null, false, false);
        }
    }
}
