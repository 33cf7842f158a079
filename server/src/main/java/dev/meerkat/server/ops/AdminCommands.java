package dev.meerkat.server.ops;

import dev.meerkat.core.acl.AclPolicy;
import dev.meerkat.core.acl.DigestAuth;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.node.Node;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.stats.DigestLog;
import dev.meerkat.core.stats.Inspection;
import dev.meerkat.core.stats.Inspections;
import dev.meerkat.core.stats.QuorumView;
import dev.meerkat.core.stats.ServerMode;
import dev.meerkat.core.stats.TreeStats;
import dev.meerkat.wire.server.ConnectionInfo;
import dev.meerkat.wire.server.ServerMetrics;
import dev.meerkat.wire.server.SessionExpiry;
import dev.meerkat.wire.server.Versions;
import dev.meerkat.wire.server.ZkServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * ZooKeeper 3.9.5's AdminServer commands: the same names and aliases, the same JSON field names and
 * types. Each command answers from published values (node statistics, client-port counters,
 * directory facts); the listings (watches, dump) and the snapshot hop to the tree thread, which
 * copies out the index they list. Commands that change state or hand out data (snapshot, restore)
 * require an Authorization header ({@code digest user:password} or {@code ip}) whose identities
 * hold every permission on "/", as in ZooKeeper.
 */
public final class AdminCommands {
    private static final Logger LOG = LoggerFactory.getLogger(AdminCommands.class);

    /** One command: primary name first. */
    record Command(List<String> names, boolean post, boolean needsAuth,
                   BiFunction<Map<String, String>, Request, Future<CommandResult>> run) {
        String primary() {
            return names.get(0);
        }
    }

    /** Who is asking: the client address (for the ip scheme) and the Authorization header. */
    record Request(String clientIp, String authorization) {
    }

    private final Operations ops;
    private final Vertx vertx;
    private final Map<String, Command> byName = new LinkedHashMap<>();
    private final TreeMap<String, Command> primaries = new TreeMap<>();
    private final AtomicBoolean snapshotRunning = new AtomicBoolean();

    public AdminCommands(Operations ops, Vertx vertx) {
        this.ops = ops;
        this.vertx = vertx;
        get(List.of("connection_stat_reset", "crst"), (k, r) -> {
            server().resetConnectionStats();
            return ok("connection_stat_reset", new JsonObject());
        });
        get(List.of("configuration", "conf", "config"), (k, r) -> ok("configuration", configuration()));
        get(List.of("connections", "cons"), (k, r) -> ok("connections", new JsonObject()
                .put("connections", connections(false)).put("secure_connections", new JsonArray())));
        get(List.of("dirs"), (k, r) -> ok("dirs", new JsonObject()
                .put("datadir_size", ops.dataDirSize()).put("logdir_size", ops.logDirSize())));
        get(List.of("dump"), (k, r) -> inspect(Inspections.sessions()).map(sessions -> {
            JsonObject expiry = new JsonObject();
            SessionExpiry.byExpiry(sessions, ops.config().tickTime()).forEach((t, ids) -> expiry.put(Long.toString(t), new JsonArray(new ArrayList<>(ids))));
            JsonObject ephemerals = new JsonObject();
            for (Inspections.SessionEntry s : sessions) {
                if (!s.ephemerals().isEmpty()) ephemerals.put(Long.toString(s.id()), new JsonArray(new ArrayList<>(s.ephemerals())));
            }
            return CommandResult.ok("dump", new JsonObject().put("expiry_time_to_session_ids", expiry).put("session_id_to_ephemeral_paths", ephemerals));
        }));
        get(List.of("environment", "env", "envi"), (k, r) -> {
            JsonObject env = new JsonObject();
            for (Map.Entry<String, String> e : server().environment()) env.put(e.getKey(), e.getValue());
            return ok("environment", env);
        });
        get(List.of("get_trace_mask", "gtmk"), (k, r) -> ok("get_trace_mask", new JsonObject().put("tracemask", server().traceMask())));
        get(List.of("hash"), (k, r) -> {
            JsonArray digests = new JsonArray();
            for (DigestLog.ZxidDigest d : stats().digestLog()) {
                digests.add(new JsonObject().put("zxid", d.zxid()).put("digest_version", d.digestVersion()).put("digest", d.digest()));
            }
            return ok("hash", new JsonObject().put("digests", digests));
        });
        get(List.of("initial_configuration", "icfg"), (k, r) -> ok("initial_configuration",
                new JsonObject().put("initial_configuration", ops.initialConfig())));
        get(List.of("is_read_only", "isro"), (k, r) -> ok("is_read_only", new JsonObject().put("read_only", ops.node().isReadOnly())));
        get(List.of("last_snapshot", "lsnp"), (k, r) -> {
            long[] snap = ops.lastSnapshot();
            return ok("last_snapshot", new JsonObject().put("zxid", Long.toHexString(snap[0]))
                    .put("timestamp", snap[1] < 0 ? -1L : snap[1] / 1000));
        });
        get(List.of("leader", "lead"), (k, r) -> {
            QuorumView q = ops.quorumView();
            if (q.mode() == ServerMode.STANDALONE) return error("leader", "server is not initialized", 200);
            long leaderId = q.leaderId();
            String leaderIp = "";
            for (QuorumView.Peer p : q.peers()) if (p.id() == leaderId) leaderIp = p.address();
            return ok("leader", new JsonObject().put("is_leader", q.mode() == ServerMode.LEADER)
                    .put("leader_id", leaderId).put("leader_ip", leaderIp));
        });
        get(List.of("monitor", "mntr"), (k, r) -> {
            JsonObject m = new JsonObject().put("version", Versions.FULL).put("server_state", ops.quorumView().mode().word());
            ops.monitor(m::put);
            return ok("monitor", m);
        });
        get(List.of("observer_connection_stat_reset", "orst"), (k, r) -> ok("observer_connection_stat_reset", new JsonObject()));
        post(List.of("restore", "rest"), true, (k, r) -> error("restore",
                "restore is not offered by Meerkat: start a server on a data directory that holds the snapshot", 501));
        get(List.of("ruok"), (k, r) -> ok("ruok", new JsonObject()));
        // Meerkat's own: move leadership before maintenance (target=N, or the most up-to-date server).
        post(List.of("transfer_leadership", "tlead"), true, this::transferLeadership);
        get(List.of("set_trace_mask", "stmk"), (k, r) -> {
            String mask = k.get("traceMask");
            if (mask == null) return error("set_trace_mask", "setTraceMask requires long traceMask argument", 200);
            long value;
            try {
                value = Long.parseLong(mask);
            } catch (NumberFormatException e) {
                return error("set_trace_mask", "setTraceMask requires long traceMask argument, got " + mask, 200);
            }
            server().traceMask(value);
            return ok("set_trace_mask", new JsonObject().put("tracemask", value));
        });
        command(List.of("snapshot", "snap"), false, true, this::snapshot);
        get(List.of("server_stats", "srvr"), (k, r) -> ok("server_stats", serverStats()));
        get(List.of("stats", "stat"), (k, r) -> ok("stats", serverStats()
                .put("connections", connections(true)).put("secure_connections", new JsonArray())));
        get(List.of("stat_reset", "srst"), (k, r) -> {
            server().metrics().reset();
            return ok("stat_reset", new JsonObject());
        });
        get(List.of("observers", "obsr"), (k, r) -> {
            QuorumView q = ops.quorumView();
            JsonArray observers = new JsonArray();
            for (QuorumView.Peer p : q.peers()) {
                if (p.observer()) observers.add(new JsonObject().put("id", p.id()).put("address", p.address()).put("synced", p.synced()));
            }
            return ok("observers", new JsonObject().put("synced_observers", q.syncedObservers()).put("observers", observers));
        });
        get(List.of("system_properties", "sysp"), (k, r) -> {
            JsonObject props = new JsonObject();
            new TreeMap<>(System.getProperties()).forEach((key, value) -> props.put(key.toString(), value.toString()));
            return ok("system_properties", props);
        });
        get(List.of("voting_view"), (k, r) -> {
            JsonObject view = new JsonObject();
            for (QuorumView.Peer p : ops.quorumView().peers()) {
                if (!p.observer()) view.put(Long.toString(p.id()), p.address());
            }
            return ok("voting_view", new JsonObject().put("current_config", view));
        });
        get(List.of("watches", "wchc"), (k, r) -> inspect(Inspections.dataWatchesBySession()).map(bySession -> {
            JsonObject out = new JsonObject();
            bySession.forEach((id, paths) -> out.put(Long.toString(id), new JsonArray(new ArrayList<>(paths))));
            return CommandResult.ok("watches", new JsonObject().put("session_id_to_watched_paths", out));
        }));
        get(List.of("watches_by_path", "wchp"), (k, r) -> inspect(Inspections.dataWatchesByPath()).map(byPath -> {
            JsonObject out = new JsonObject();
            byPath.forEach((path, ids) -> out.put(path, new JsonArray(new ArrayList<>(ids))));
            return CommandResult.ok("watches_by_path", new JsonObject().put("path_to_session_ids", out));
        }));
        get(List.of("watch_summary", "wchs"), (k, r) -> {
            TreeStats s = stats();
            return ok("watch_summary", new JsonObject().put("num_connections", s.dataWatchers())
                    .put("num_paths", s.dataWatchPaths()).put("num_total_watches", s.dataWatches()));
        });
        get(List.of("zabstate"), (k, r) -> {
            QuorumView q = ops.quorumView();
            if (q.mode() == ServerMode.STANDALONE) return ok("zabstate", new JsonObject().put("voting", false).put("zabstate", ""));
            return ok("zabstate", new JsonObject().put("myid", q.serverId()).put("is_leader", q.mode() == ServerMode.LEADER)
                    .put("voting", q.mode() != ServerMode.OBSERVER).put("last_zxid", "0x" + Long.toHexString(ops.node().lastApplied()))
                    .put("zab_epoch", q.term()).put("zab_counter", ops.node().lastApplied())
                    .put("zabstate", q.mode() == ServerMode.LOOKING ? "election" : "broadcast"));
        });
    }

    /** The primary names, sorted, as ZooKeeper lists them. */
    public List<String> primaryNames() {
        return List.copyOf(primaries.keySet());
    }

    /** Runs {@code name} (any alias); an unknown name answers 200 with ZooKeeper's error, as ZooKeeper does. */
    public Future<CommandResult> run(String name, boolean post, Map<String, String> params, Request request) {
        Command c = byName.get(name);
        if (c == null) return Future.succeededFuture(CommandResult.error(name, "Unknown command: " + name, 200));
        if (c.post() != post) {
            return Future.succeededFuture(CommandResult.error(c.primary(), c.post() ? "use POST for " + c.primary() : "use GET for " + c.primary(), 405));
        }
        Node node = ops.node();
        if (node == null || !node.isRunning() || ops.server() == null) {
            return Future.succeededFuture(CommandResult.error(c.primary(), "This ZooKeeper instance is not currently serving requests", 200));
        }
        if (!c.needsAuth()) return run(c, params, request);
        if (request.authorization() == null) {
            return Future.succeededFuture(CommandResult.error(c.primary(), "Auth info is missing for the command", 401));
        }
        List<AuthId> ids = authenticate(request);
        if (ids.isEmpty()) return Future.succeededFuture(CommandResult.error(c.primary(), "Not authenticated", 401));
        return inspect(ctx -> ctx.state().tree().get("/").acl()).compose(rootAcl -> {
            for (int bit = 1; bit <= Perms.ALL; bit <<= 1) {
                if (!AclPolicy.permits(rootAcl, bit, ids)) return Future.succeededFuture(CommandResult.error(c.primary(), "Not authorized", 403));
            }
            return run(c, params, request);
        });
    }

    private Future<CommandResult> run(Command c, Map<String, String> params, Request request) {
        try {
            return c.run().apply(params, request);
        } catch (RuntimeException e) {
            LOG.warn("admin command {} failed: {}", c.primary(), e.toString());
            return Future.succeededFuture(CommandResult.error(c.primary(), "Error occurred: " + e.getMessage(), 500));
        }
    }

    /** ZooKeeper's digest ("digest user:password") and ip ("ip") schemes; empty when neither applies. */
    private List<AuthId> authenticate(Request request) {
        String[] parts = request.authorization().split(" ", -1);
        if (parts.length == 2 && parts[0].equals("digest") && parts[1].contains(":")) {
            String identity = DigestAuth.identity(parts[1]);
            List<AuthId> ids = new ArrayList<>(List.of(new AuthId("digest", identity)));
            if (identity.equals(ops.config().superDigest())) ids.add(AuthId.SUPER);
            return ids;
        }
        if (parts.length == 1 && parts[0].equals("ip") && request.clientIp() != null) return List.of(new AuthId("ip", request.clientIp()));
        return List.of();
    }

    private Future<CommandResult> snapshot(Map<String, String> params, Request request) {
        if (!ops.config().operations().adminSnapshotEnabled()) return Future.succeededFuture(CommandResult.error("snapshot", null, 503));
        if (!snapshotRunning.compareAndSet(false, true)) return Future.succeededFuture(CommandResult.error("snapshot", null, 429));
        boolean streaming = !"false".equalsIgnoreCase(params.getOrDefault("streaming", "true"));
        // As ZooKeeper's command does: take a snapshot now and send that. A node with a snapshot
        // store captures it in slices like its periodic ones; one kept in memory (or one that has
        // applied nothing yet) has the tree encode a capture taken in one pass.
        Future<SnapshotCopy> copy = Future.fromCompletionStage(ops.node().takeSnapshot(), vertx.getOrCreateContext())
                .compose(taken -> vertx.executeBlocking(() -> {
                    Path file = Files.createTempFile("meerkat-snapshot-", ".snap");
                    try (InputStream in = taken.open()) {
                        Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } catch (java.io.IOException | RuntimeException e) {
                        deleteQuietly(file);
                        throw e;
                    }
                    return new SnapshotCopy(file, taken.index());
                }, false), failure -> inspect(ctx -> SnapshotCodec.capture(ctx.state(), ctx.lastAppliedTerm()))
                        .compose(img -> vertx.executeBlocking(() -> {
                            // Encoded off the event loop and the tree thread, into a file so the download has a size.
                            Path file = Files.createTempFile("meerkat-snapshot-", ".snap");
                            try (OutputStream raw = Files.newOutputStream(file);
                                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                                SnapshotCodec.write(img, out);
                            }
                            return new SnapshotCopy(file, img.lastApplied());
                        }, false)));
        return copy.map(taken -> {
            Path file = taken.file();
            long size;
            try {
                size = Files.size(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Map<String, String> headers = Map.of("last_zxid", "0x" + Long.toHexString(taken.zxid()), "snapshot_size", Long.toString(size));
            CommandResult r = CommandResult.ok("snapshot", new JsonObject()).withHeaders(headers);
            if (streaming) return r.withDownload(file);
            deleteQuietly(file);
            return r;
        }).onComplete(x -> snapshotRunning.set(false));
    }

    /** A snapshot copied for download, and the zxid it is at. */
    private record SnapshotCopy(Path file, long zxid) {
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }

    private JsonObject configuration() {
        Map<String, String> conf = new LinkedHashMap<>();
        for (String line : ops.conf()) {
            int eq = line.indexOf('=');
            conf.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new JsonObject().put("client_port", server().port()).put("data_dir", conf.get("dataDir"))
                .put("data_log_dir", conf.get("dataLogDir")).put("tick_time", ops.config().tickTime())
                .put("max_client_cnxns", ops.config().maxClientCnxns())
                .put("min_session_timeout", ops.config().effectiveMinSessionTimeout())
                .put("max_session_timeout", ops.config().effectiveMaxSessionTimeout())
                .put("server_id", ops.quorumView().serverId()).put("client_port_listen_backlog", -1);
    }

    private JsonArray connections(boolean brief) {
        JsonArray out = new JsonArray();
        for (ConnectionInfo c : server().connectionInfos()) {
            JsonObject j = new JsonObject().put("remote_socket_address", c.remoteAddress()).put("interest_ops", c.interestOps())
                    .put("outstanding_requests", c.outstanding()).put("packets_received", c.packetsReceived())
                    .put("packets_sent", c.packetsSent());
            if (!brief) {
                j.put("session_id", c.sessionId()).put("last_operation", c.lastOp()).put("established", c.establishedMs())
                        .put("session_timeout", c.sessionTimeoutMs()).put("last_cxid", c.lastCxid()).put("last_zxid", c.lastZxid())
                        .put("last_response_time", c.lastResponseMs()).put("last_latency", c.lastLatencyMs())
                        .put("min_latency", c.minLatencyMs()).put("avg_latency", c.avgLatencyMs()).put("max_latency", c.maxLatencyMs());
            }
            out.add(j);
        }
        return out;
    }

    /** ZooKeeper's srvr command: its ServerStats bean, snake_case, and the node count. */
    private JsonObject serverStats() {
        ServerMetrics m = server().metrics();
        TreeStats s = stats();
        JsonObject responses = new JsonObject().put("last_buffer_size", m.lastResponseBytes())
                .put("min_buffer_size", m.minResponseBytes()).put("max_buffer_size", m.maxResponseBytes());
        DirectoryFacts.Sizes d = ops.directories();
        JsonObject stats = new JsonObject().put("packets_sent", m.packetsSent()).put("packets_received", m.packetsReceived())
                .put("fsync_threshold_exceed_count", fsyncThresholdExceeded())
                .put("client_response_stats", responses.copy())
                .put("data_dir_size", d.dataDirBytes()).put("log_dir_size", d.logDirBytes())
                .put("last_processed_zxid", s.lastZxid()).put("outstanding_requests", (long) m.outstanding())
                .put("server_state", ops.quorumView().mode().word()).put("provider_null", false)
                .put("avg_latency", m.avgLatencyMs()).put("max_latency", m.maxLatencyMs()).put("min_latency", m.minLatencyMs())
                .put("num_alive_client_connections", m.connections()).put("uptime", ops.uptimeMs())
                .put("auth_failed_count", m.authFailedCount()).put("non_mtlsremote_conn_count", 0L).put("non_mtlslocal_conn_count", 0L);
        return new JsonObject().put("version", Versions.FULL).put("read_only", false).put("server_stats", stats)
                .put("client_response", responses).put("node_count", s.znodeCount() + 1L);
    }

    private long fsyncThresholdExceeded() {
        io.micrometer.core.instrument.Gauge g = ops.registry().find("meerkat.log.fsync.threshold.exceeded").gauge();
        return g == null ? 0 : (long) g.value();
    }

    private <T> Future<T> inspect(Inspection<T> inspection) {
        Promise<T> promise = Promise.promise();
        io.vertx.core.Context context = vertx.getOrCreateContext();
        boolean offered = ops.node().inspect(inspection, (result, zxid) -> context.runOnContext(v -> promise.complete(result)));
        if (!offered) promise.fail("the server is busy");
        return promise.future();
    }

    private TreeStats stats() {
        return ops.stats();
    }

    private ZkServer server() {
        return ops.server();
    }

    private Future<CommandResult> transferLeadership(Map<String, String> args, Request r) {
        String target = args.getOrDefault("target", "0");
        long id;
        try {
            id = Long.parseLong(target);
            if (id < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            return error("transfer_leadership", "target must be a server id, not " + target, 400);
        }
        long t0 = System.nanoTime();
        io.vertx.core.Promise<CommandResult> done = io.vertx.core.Promise.promise();
        ops.node().transferLeadership(id).whenComplete((leader, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                String why = cause instanceof java.util.concurrent.TimeoutException ? "leadership did not move in time" : cause.getMessage();
                done.complete(CommandResult.error("transfer_leadership", why, 409));
            } else {
                done.complete(CommandResult.ok("transfer_leadership", new JsonObject().put("leader_id", leader)
                        .put("took_ms", java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))));
            }
        });
        return done.future();
    }

    private void get(List<String> names, BiFunction<Map<String, String>, Request, Future<CommandResult>> run) {
        command(names, false, false, run);
    }

    private void post(List<String> names, boolean auth, BiFunction<Map<String, String>, Request, Future<CommandResult>> run) {
        command(names, true, auth, run);
    }

    private void command(List<String> names, boolean post, boolean auth, BiFunction<Map<String, String>, Request, Future<CommandResult>> run) {
        Command c = new Command(names, post, auth, run);
        for (String n : names) byName.put(n, c);
        primaries.put(c.primary(), c);
    }

    private static Future<CommandResult> ok(String command, JsonObject data) {
        return Future.succeededFuture(CommandResult.ok(command, data));
    }

    private static Future<CommandResult> error(String command, String error, int status) {
        return Future.succeededFuture(CommandResult.error(command, error, status));
    }
}
