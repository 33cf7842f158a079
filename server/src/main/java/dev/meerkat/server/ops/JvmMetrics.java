package dev.meerkat.server.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The JVM and process metrics ZooKeeper's Prometheus provider exports (metricsProvider.exportJvmInfo,
 * the Prometheus simpleclient_hotspot names: jvm_memory_bytes_used{area}, jvm_threads_current,
 * jvm_gc_collection_seconds{gc}, process_open_fds, ...), so the ZooKeeper dashboards' JVM panels work.
 * Also the file descriptor counts mntr reports.
 */
final class JvmMetrics {
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private JvmMetrics() {
    }

    /** open_file_descriptor_count, or 0 where the JVM cannot tell. */
    static long openFileDescriptors() {
        return OS instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : 0;
    }

    static long maxFileDescriptors() {
        return OS instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getMaxFileDescriptorCount() : 0;
    }

    static void bind(MeterRegistry r) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memoryArea(r, "heap", memory, MemoryMXBean::getHeapMemoryUsage);
        memoryArea(r, "nonheap", memory, MemoryMXBean::getNonHeapMemoryUsage);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            Tags tags = Tags.of("pool", pool.getName());
            gauge(r, "jvm_memory_pool_bytes_used", tags, pool, p -> usage(p).getUsed());
            gauge(r, "jvm_memory_pool_bytes_committed", tags, pool, p -> usage(p).getCommitted());
            gauge(r, "jvm_memory_pool_bytes_max", tags, pool, p -> usage(p).getMax());
            gauge(r, "jvm_memory_pool_bytes_init", tags, pool, p -> usage(p).getInit());
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            Tags tags = Tags.of("pool", pool.getName());
            gauge(r, "jvm_buffer_pool_used_bytes", tags, pool, BufferPoolMXBean::getMemoryUsed);
            gauge(r, "jvm_buffer_pool_capacity_bytes", tags, pool, BufferPoolMXBean::getTotalCapacity);
            gauge(r, "jvm_buffer_pool_used_buffers", tags, pool, BufferPoolMXBean::getCount);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge(r, "jvm_threads_current", Tags.empty(), threads, ThreadMXBean::getThreadCount);
        gauge(r, "jvm_threads_daemon", Tags.empty(), threads, ThreadMXBean::getDaemonThreadCount);
        gauge(r, "jvm_threads_peak", Tags.empty(), threads, ThreadMXBean::getPeakThreadCount);
        gauge(r, "jvm_threads_deadlocked", Tags.empty(), threads, t -> length(t.findDeadlockedThreads()));
        gauge(r, "jvm_threads_deadlocked_monitor", Tags.empty(), threads, t -> length(t.findMonitorDeadlockedThreads()));
        FunctionCounter.builder("jvm_threads_started", threads, ThreadMXBean::getTotalStartedThreadCount)
                .description("jvm_threads_started").register(r);
        for (Thread.State state : Thread.State.values()) {
            gauge(r, "jvm_threads_state", Tags.of("state", state.name()), threads, t -> count(t, state));
        }
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        gauge(r, "jvm_classes_loaded", Tags.empty(), classes, ClassLoadingMXBean::getLoadedClassCount);
        FunctionCounter.builder("jvm_classes_unloaded", classes, ClassLoadingMXBean::getUnloadedClassCount)
                .description("jvm_classes_unloaded").register(r);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionTimer.builder("jvm_gc_collection", gc, GarbageCollectorMXBean::getCollectionCount,
                            GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
                    .tags("gc", gc.getName()).description("jvm_gc_collection_seconds").register(r);
        }
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        gauge(r, "process_start_time_seconds", Tags.empty(), runtime, rt -> rt.getStartTime() / 1000.0);
        if (OS instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process_cpu_seconds", os, o -> o.getProcessCpuTime() / 1e9).description("process_cpu_seconds").register(r);
            gauge(r, "process_virtual_memory_bytes", Tags.empty(), os, com.sun.management.OperatingSystemMXBean::getCommittedVirtualMemorySize);
        }
        gauge(r, "process_open_fds", Tags.empty(), OS, o -> openFileDescriptors());
        gauge(r, "process_max_fds", Tags.empty(), OS, o -> maxFileDescriptors());
        gauge(r, "process_resident_memory_bytes", Tags.empty(), OS, o -> residentBytes());
    }

    private static void memoryArea(MeterRegistry r, String area, MemoryMXBean memory, java.util.function.Function<MemoryMXBean, MemoryUsage> of) {
        Tags tags = Tags.of("area", area);
        gauge(r, "jvm_memory_bytes_used", tags, memory, m -> of.apply(m).getUsed());
        gauge(r, "jvm_memory_bytes_committed", tags, memory, m -> of.apply(m).getCommitted());
        gauge(r, "jvm_memory_bytes_max", tags, memory, m -> of.apply(m).getMax());
        gauge(r, "jvm_memory_bytes_init", tags, memory, m -> of.apply(m).getInit());
    }

    private static MemoryUsage usage(MemoryPoolMXBean pool) {
        MemoryUsage u = pool.getUsage();
        return u == null ? new MemoryUsage(0, 0, 0, 0) : u;
    }

    private static <T> void gauge(MeterRegistry r, String name, Tags tags, T obj, ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).tags(tags).description(name).strongReference(true).register(r);
    }

    private static double length(long[] ids) {
        return ids == null ? 0 : ids.length;
    }

    private static double count(ThreadMXBean threads, Thread.State state) {
        int n = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info != null && info.getThreadState() == state) n++;
        }
        return n;
    }

    /** VmRSS from /proc/self/status (Linux), or 0. */
    private static double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    List<String> parts = List.of(line.trim().split("\\s+"));
                    return Long.parseLong(parts.get(1)) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
