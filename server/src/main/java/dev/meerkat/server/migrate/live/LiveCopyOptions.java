package dev.meerkat.server.migrate.live;

import dev.meerkat.core.tree.PathRules;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What to copy from where to where. Connect strings are ZooKeeper's: {@code host:port[,host:port...][/chroot]}.
 * The target keeps the source's chroot unless it names one of its own.
 */
public record LiveCopyOptions(List<InetSocketAddress> source, String sourceRoot, List<InetSocketAddress> target, String targetRoot,
                              List<WireClient.Auth> sourceAuth, List<WireClient.Auth> targetAuth, boolean once, boolean force,
                              int reconcileSeconds, int reportSeconds, int sessionTimeoutMs) {

    public static LiveCopyOptions parse(String from, String to, List<String> sourceAuth, List<String> targetAuth, boolean once,
                                        boolean force, int reconcileSeconds, int reportSeconds) {
        Endpoint src = endpoint(from, "--from-zookeeper");
        Endpoint dst = endpoint(to, "--to");
        String srcRoot = src.root();
        String dstRoot = dst.root() == null ? srcRoot : dst.root();
        if (src.hosts().equals(dst.hosts()) && (srcRoot.startsWith(dstRoot) || dstRoot.startsWith(srcRoot))) {
            throw new IllegalArgumentException("--from-zookeeper and --to name the same server and overlapping trees");
        }
        if (reconcileSeconds < 1) throw new IllegalArgumentException("--reconcile-interval must be at least 1 second");
        if (reportSeconds < 1) throw new IllegalArgumentException("--report-interval must be at least 1 second");
        return new LiveCopyOptions(src.hosts(), src.root(), dst.hosts(), dst.root() == null ? src.root() : dst.root(),
                auths(sourceAuth, "--source-auth"), auths(targetAuth, "--target-auth"), once, force, reconcileSeconds,
                reportSeconds, 30_000);
    }

    /** The same copy with other timings (tests). */
    public LiveCopyOptions withIntervals(int reconcileSeconds, int reportSeconds) {
        return new LiveCopyOptions(source, sourceRoot, target, targetRoot, sourceAuth, targetAuth, once, force, reconcileSeconds,
                reportSeconds, sessionTimeoutMs);
    }

    String describeSource() {
        return hosts(source) + (sourceRoot.equals("/") ? "" : sourceRoot);
    }

    String describeTarget() {
        return hosts(target) + (targetRoot.equals("/") ? "" : targetRoot);
    }

    private static String hosts(List<InetSocketAddress> hosts) {
        List<String> s = new ArrayList<>();
        for (InetSocketAddress h : hosts) s.add(h.getHostString() + ":" + h.getPort());
        return String.join(",", s);
    }

    private record Endpoint(List<InetSocketAddress> hosts, String root) {
    }

    private static Endpoint endpoint(String s, String option) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(option + " needs host:port");
        String hostPart = s;
        String root = null;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            hostPart = s.substring(0, slash);
            root = s.substring(slash);
            if (root.length() > 1 && root.endsWith("/")) root = root.substring(0, root.length() - 1);
            String problem = PathRules.problem(root);
            if (problem != null) throw new IllegalArgumentException(option + ": chroot " + root + ": " + problem);
        }
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (String h : hostPart.split(",")) {
            h = h.trim();
            int colon = h.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException(option + ": '" + h + "' is not host:port");
            try {
                int port = Integer.parseInt(h.substring(colon + 1));
                if (port < 1 || port > 65535) throw new NumberFormatException();
                hosts.add(InetSocketAddress.createUnresolved(h.substring(0, colon), port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + h + "' has no valid port");
            }
        }
        return new Endpoint(List.copyOf(hosts), root == null && option.equals("--from-zookeeper") ? "/" : root);
    }

    private static List<WireClient.Auth> auths(List<String> specs, String option) {
        List<WireClient.Auth> out = new ArrayList<>();
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException(option + " '" + spec + "' is not scheme:credentials");
            out.add(new WireClient.Auth(spec.substring(0, colon), spec.substring(colon + 1).getBytes(StandardCharsets.UTF_8)));
        }
        return List.copyOf(out);
    }
}
