package dev.meerkat.server.ops;

import io.micrometer.core.instrument.Gauge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * ZooKeeper 3.9.5's metric set, name for name: what its default metrics provider prints in mntr
 * (and the monitor command), and what its Prometheus provider exposes, so that scripts and the
 * public ZooKeeper dashboards read Meerkat unchanged.
 *
 * <p>Each name either carries Meerkat's own number with the same meaning (see {@link #bind}), or
 * stands for a part of ZooKeeper's request pipeline that Meerkat does not have (its commit
 * processor, its learner queues, its response cache, its connection throttler, quorum traffic of
 * a standalone server): those read 0, which is also what they are on a ZooKeeper server that never
 * exercises them. ZooKeeper's counters are exposed to Prometheus as gauges: the Prometheus client
 * behind Micrometer always names a counter {@code *_total}, and ZooKeeper's names have no suffix.
 */
final class ZooKeeperMetrics {
    static final List<String> GAUGES = words("""
            ephemerals_count num_alive_connections avg_latency outstanding_requests znode_count global_sessions
            non_mtls_remote_conn_count last_client_response_size packets_sent packets_received max_client_response_size
            connection_drop_probability watch_count auth_failed_count min_latency max_file_descriptor_count
            approximate_data_size open_file_descriptor_count local_sessions uptime max_latency outstanding_tls_handshake
            min_client_response_size non_mtls_local_conn_count""");
    static final List<String> COUNTERS = words("""
            watch_bytes stale_requests_dropped throttled_ops insecure_admin_count connection_rejected
            sessionless_connections_expired dead_watchers_queued stale_requests connection_drop_count
            response_packet_cache_hits bytes_received_count add_dead_watcher_stall_time request_throttle_wait_count
            requests_not_forwarded_to_commit_processor response_packet_cache_misses prep_processor_request_queued
            stale_replies response_bytes ensemble_auth_fail diff_count connection_revalidate_count
            quit_leading_due_to_disloyal_voter unrecoverable_error_count unsuccessful_handshake commit_count
            outstanding_changes_queued request_commit_queued ensemble_auth_skip skip_learner_request_to_next_processor_count
            proposal_count large_requests_rejected outstanding_changes_removed restore_error_count
            cnxn_closed_without_zk_server_running looking_count snapshot_rate_limited_count learner_proposal_received_count
            digest_mismatches_count dead_watchers_cleared ensemble_auth_success learner_commit_received_count
            snapshot_error_count connection_request_count response_packet_get_children_cache_misses snap_count
            stale_sessions_expired restore_rate_limited_count response_packet_get_children_cache_hits
            sync_processor_request_queued tls_handshake_exceeded revalidate_count""");
    /** Summaries with avg/min/max/cnt/sum. */
    static final List<String> BASIC_SUMMARIES = words("""
            socket_closing_time proposal_process_time leader_unavailable_time node_created_watch_count session_queues_drained
            write_commit_proc_req_queued connection_token_deficit read_commit_proc_req_queued node_deleted_watch_count
            startup_txns_load_time sync_processor_queue_size follower_sync_time prep_processor_queue_size fsynctime inflight_snap_count
            reads_issued_from_session_queue restore_time learner_request_processor_queue_size snapshottime unavailable_time
            startup_txns_loaded reads_after_write_in_session_queue requests_in_session_queue write_commit_proc_issued
            prep_process_time pending_session_queue_size time_waiting_empty_pool_in_commit_processor_read_ms
            commit_process_time dbinittime inflight_diff_count netty_queued_buffer_capacity election_time
            commit_commit_proc_req_queued sync_processor_batch_size node_children_watch_count write_batch_time_in_commit_processor
            read_commit_proc_issued concurrent_request_processing_in_commit_processor observer_sync_time node_changed_watch_count
            sync_process_time startup_snap_load_time""");
    /** Summaries with percentiles too. */
    static final List<String> ADVANCED_SUMMARIES = words("""
            prep_processor_queue_time_ms jvm_pause_time_ms close_session_prep_time read_commitproc_time_ms updatelatency
            local_write_committed_time_ms request_throttle_queue_time_ms readlatency quorum_ack_latency
            om_commit_process_time_ms read_final_proc_time_ms commit_propagation_latency dead_watchers_cleaner_latency
            write_final_proc_time_ms proposal_ack_creation_latency proposal_latency om_proposal_process_time_ms
            sync_processor_queue_and_flush_time_ms propagation_latency server_write_committed_time_ms
            sync_processor_queue_time_ms sync_processor_queue_flush_time_ms write_commitproc_time_ms""");
    /** The names that carry Meerkat's own numbers; every other name is a ZooKeeper pipeline stage Meerkat lacks. */
    static final Set<String> MEASURED = Set.copyOf(words("""
            ephemerals_count num_alive_connections avg_latency outstanding_requests znode_count global_sessions
            last_client_response_size packets_sent packets_received max_client_response_size watch_count auth_failed_count
            min_latency max_file_descriptor_count approximate_data_size open_file_descriptor_count uptime max_latency
            min_client_response_size connection_rejected bytes_received_count response_bytes unsuccessful_handshake
            snapshot_error_count snap_count stale_sessions_expired fsynctime snapshottime startup_txns_loaded
            startup_txns_load_time startup_snap_load_time dbinittime sync_processor_batch_size readlatency updatelatency
            local_write_committed_time_ms node_created_watch_count node_deleted_watch_count node_children_watch_count
            node_changed_watch_count"""));

    private final Map<String, Supplier<Number>> values = new LinkedHashMap<>();
    private final Map<String, ZkSummary> summaries = new LinkedHashMap<>();
    private final Map<String, LongAdder> owned = new LinkedHashMap<>();
    private final Meters meters;

    ZooKeeperMetrics(Meters meters) {
        this.meters = meters;
        for (String name : GAUGES) values.put(name, () -> 0L);
        for (String name : COUNTERS) values.put(name, () -> 0L);
        values.put("connection_drop_probability", () -> 0.0);
        for (String name : BASIC_SUMMARIES) summaries.put(name, new ZkSummary(name, false, meters));
        for (String name : ADVANCED_SUMMARIES) summaries.put(name, new ZkSummary(name, true, meters));
    }

    /** Gives a gauge or counter its Meerkat source (a Long/Integer, or a Double for averages). */
    void bind(String name, Supplier<Number> source) {
        if (!values.containsKey(name)) throw new IllegalArgumentException("not a ZooKeeper gauge or counter: " + name);
        values.put(name, source);
    }

    /** A counter Meerkat increments itself. */
    LongAdder counter(String name) {
        LongAdder adder = owned.computeIfAbsent(name, n -> new LongAdder());
        bind(name, adder::sum);
        return adder;
    }

    ZkSummary summary(String name) {
        ZkSummary s = summaries.get(name);
        if (s == null) throw new IllegalArgumentException("not a ZooKeeper summary: " + name);
        return s;
    }

    /** Registers every gauge and counter with Prometheus under ZooKeeper's name (summaries register themselves). */
    void registerGauges() {
        meters.bind(r -> values.forEach((name, source) -> Gauge.builder(name, () -> source.get().doubleValue()).description(name)
                .strongReference(true).register(r)));
    }

    /** srst: ZooKeeper's ServerMetrics.resetAll (the client port's counters reset themselves). */
    void reset() {
        owned.values().forEach(LongAdder::reset);
        summaries.values().forEach(ZkSummary::reset);
    }

    /** mntr without a metrics provider: gauges and counters, then the summaries. */
    void dump(BiConsumer<String, Object> out) {
        values.forEach((name, source) -> out.accept(name, source.get()));
        for (ZkSummary s : summaries.values()) s.dump(out);
    }

    private static List<String> words(String text) {
        List<String> out = new java.util.ArrayList<>();
        for (java.util.StringTokenizer t = new java.util.StringTokenizer(text); t.hasMoreTokens(); ) out.add(t.nextToken());
        return List.copyOf(out);
    }
}
