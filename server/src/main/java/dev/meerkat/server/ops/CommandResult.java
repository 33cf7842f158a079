package dev.meerkat.server.ops;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an AdminServer command answers, as ZooKeeper's CommandResponse: the command's primary name,
 * an error or null, its fields, an HTTP status, extra headers, and for a download the file to stream.
 */
record CommandResult(String command, String error, JsonObject data, int status, Map<String, String> headers, Path download) {

    static CommandResult ok(String command, JsonObject data) {
        return new CommandResult(command, null, data, 200, Map.of(), null);
    }

    static CommandResult error(String command, String error, int status) {
        return new CommandResult(command, error, new JsonObject(), status, Map.of(), null);
    }

    CommandResult withHeaders(Map<String, String> h) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(h);
        return new CommandResult(command, error, data, status, Map.copyOf(all), download);
    }

    CommandResult withDownload(Path file) {
        return new CommandResult(command, error, data, status, headers, file);
    }

    /** ZooKeeper's CommandResponse.toMap: the fields, then "command" and "error". */
    JsonObject toJson() {
        JsonObject out = data.copy();
        out.put("command", command);
        out.put("error", error);
        return out;
    }
}
