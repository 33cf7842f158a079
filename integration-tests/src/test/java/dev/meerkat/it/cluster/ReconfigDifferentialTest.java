package dev.meerkat.it.cluster;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same reconfigurations on ZooKeeper 3.9.5 and on Meerkat, under a write load: what the
 * ensemble answers, what {@code /zookeeper/config} holds on every server, the error codes, the
 * files each server rewrites; and the longest pause in acknowledged writes, side by side.
 */
class ReconfigDifferentialTest {

    @Test
    void reconfigBehavesAsZooKeepers() throws Exception {
        Map<String, Long> zkStalls = new LinkedHashMap<>();
        List<String> zk;
        Path base = RunDirs.fresh("reconfig-differential");
        Path zkDir = Files.createDirectories(base.resolve("zk"));
        try (DynamicEnsemble z = ZooKeeperDynamicEnsemble.start(zkDir,
                List.of("-Dzookeeper." + ReconfigTest.SUPER), 1, 2, 3)) {
            zk = observe(z, zkStalls);
        }
        Map<String, Long> mkStalls = new LinkedHashMap<>();
        List<String> meerkat;
        try (DynamicEnsemble m = ReconfigurableEnsemble.start(Files.createDirectories(base.resolve("meerkat")),
                List.of(ReconfigTest.SUPER), 1, 2, 3)) {
            meerkat = observe(m, mkStalls);
        }
        System.out.println("[reconfig-differential] zookeeper: " + zk);
        System.out.println("[reconfig-differential] meerkat:   " + meerkat);
        for (String step : zkStalls.keySet()) {
            System.out.printf("[reconfig-differential] %-28s longest write stall: ZooKeeper %5d ms, Meerkat %5d ms%n",
                    step, zkStalls.get(step), mkStalls.get(step));
        }
        assertThat(meerkat).isEqualTo(zk);
        assertThat(meerkat).contains("initial lines as configured: true", "stale version: BADVERSION", "without super: NOAUTH",
                "add 4: members {1=participant, 2=participant, 3=participant, 4=participant}", "add 5: mode of 5: observer", "sessions expired: 0");
    }

    private static List<String> observe(DynamicEnsemble e, Map<String, Long> stalls) throws Exception {
        List<String> seen = new ArrayList<>();
        List<String> lines = new ArrayList<>(List.of(e.serverLine(1, false), e.serverLine(2, false), e.serverLine(3, false)));
        try (ZooKeeperAdmin z = ReconfigTest.admin(e.connectString(1, 2, 3));
             WriteLoad load = new WriteLoad(e.connectString(1, 2, 3), 2, 10_000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > 20);
            Stat stat = new Stat();
            String initial = new String(z.getConfig(false, stat), StandardCharsets.UTF_8);
            seen.add("initial lines as configured: " + ReconfigTest.lines(initial).equals(lines));
            seen.add("initial version line: " + versionLine(initial, stat));
            seen.add("config stat: version " + stat.getVersion() + ", aversion " + stat.getAversion() + ", ephemeralOwner " + stat.getEphemeralOwner());
            seen.add("config acl: " + z.getACL("/zookeeper/config", new Stat()));

            // Errors first, while nothing is in progress.
            long version = stat.getMzxid();
            seen.add("stale version: " + code(() -> z.reconfigure(null, "3", null, version + 1, new Stat())));
            seen.add("garbage server line: " + code(() -> z.reconfigure("garbage", null, null, -1, new Stat())));
            seen.add("incremental and whole at once: " + code(() -> z.reconfigure(e.serverLine(8, false), null, String.join(",", lines), -1, new Stat())));
            seen.add("empty new members: " + code(() -> z.reconfigure(null, null, "", -1, new Stat())));
            try (ZooKeeperAdmin anonymous = new ZooKeeperAdmin(e.connectString(1), 15_000, ev -> { })) {
                seen.add("without super: " + code(() -> anonymous.reconfigure(null, "3", null, -1, new Stat())));
            }

            // A participant joins: started with the ensemble and itself in its zoo.cfg, then added.
            String four = e.serverLine(4, false);
            List<String> withFour = new ArrayList<>(lines);
            withFour.add(four);
            e.join(4, withFour);
            String afterFour = change(z, load, stalls, "add participant 4", four, null);
            seen.add("add 4: members " + ReconfigTest.members(afterFour));
            seen.add("add 4: lines as given: " + ReconfigTest.lines(afterFour).equals(withFour));
            seen.add("add 4: version line: " + versionLine(afterFour, statOf(z)));
            e.awaitServing(Duration.ofSeconds(60), 1, 2, 3, 4);
            seen.add("add 4: every server has it: " + everyServerHas(e, afterFour, 1, 2, 3, 4));

            // An observer joins.
            String five = e.serverLine(5, true);
            List<String> withFive = new ArrayList<>(withFour);
            withFive.add(five);
            e.join(5, withFive);
            String afterFive = change(z, load, stalls, "add observer 5", five, null);
            seen.add("add 5: members " + ReconfigTest.members(afterFive));
            e.awaitServing(Duration.ofSeconds(60), 1, 2, 3, 4, 5);
            // A server that has just joined may still be replaying the configurations before its own.
            // The mode that satisfied the wait is the one recorded (asking again is another round trip
            // to a server that has just joined and is still catching up).
            String[] modeOfFive = {""};
            await("5 serves as an observer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> (modeOfFive[0] = e.mode(5)).equals("observer"));
            seen.add("add 5: mode of 5: " + modeOfFive[0]);
            seen.add("add 5: every server has it: " + everyServerHas(e, afterFive, 1, 2, 3, 4, 5));

            // The observer becomes a participant: its line again, with the new role.
            String fiveVoting = e.serverLine(5, false);
            String promoted = change(z, load, stalls, "promote 5", fiveVoting, null);
            seen.add("promote 5: members " + ReconfigTest.members(promoted));
            await().atMost(Duration.ofSeconds(30)).until(() -> e.mode(5).equals("follower") || e.mode(5).equals("leader"));
            seen.add("promote 5: mode of 5 is a voter's: true");

            // The leader leaves.
            int leader = e.leader();
            String afterLeader;
            // Asked through a server that stays: ZooKeeper drops the leader's connections as it goes.
            try (ZooKeeperAdmin stays = ReconfigTest.admin(e.connectString(leader == 1 ? 2 : 1))) {
                afterLeader = change(stays, load, stalls, "remove the leader", null, Integer.toString(leader));
            }
            Map<Integer, String> left = ReconfigTest.members(afterLeader);
            seen.add("remove leader: " + left.size() + " members, leader among them: " + left.containsKey(leader));
            int[] remaining = left.keySet().stream().mapToInt(Integer::intValue).toArray();
            e.awaitServing(Duration.ofSeconds(60), remaining);
            int newLeader = e.leader();
            seen.add("remove leader: a remaining server leads: " + left.containsKey(newLeader));
            seen.add("remove leader: every remaining server has it: " + everyServerHas(e, afterLeader, remaining));

            // Wholesale ("non-incremental"): exactly the members listed.
            List<String> whole = new ArrayList<>();
            for (int id : remaining) whole.add(ReconfigTest.lines(afterLeader).stream().filter(l -> l.startsWith("server." + id + "=")).findFirst().orElseThrow());
            whole.remove(whole.size() - 1);
            String afterWhole = change(z, load, stalls, "new members (one fewer)", null, null, String.join(",", whole));
            seen.add("new members: lines as given: " + ReconfigTest.lines(afterWhole).equals(sorted(whole)));
            seen.add("new members: count " + ReconfigTest.members(afterWhole).size());

            // The files every server that stayed rewrote.
            int kept = ReconfigTest.members(afterWhole).keySet().iterator().next();
            Path cfg = e.configFile(kept);
            String text = Files.readString(cfg);
            seen.add("zoo.cfg names a dynamic file: " + text.lines().anyMatch(l -> l.startsWith("dynamicConfigFile=")));
            seen.add("zoo.cfg has no server lines: " + text.lines().noneMatch(l -> l.startsWith("server.")));
            seen.add("zoo.cfg.bak kept: " + Files.exists(cfg.resolveSibling("zoo.cfg.bak")));
            String dynamicName = text.lines().filter(l -> l.startsWith("dynamicConfigFile=")).findFirst().orElse("=").split("=", 2)[1];
            Path dynamic = cfg.resolveSibling(Path.of(dynamicName).getFileName().toString());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dynamic) && dynamicFileLines(dynamic).equals(sorted(ReconfigTest.lines(afterWhole))));
            seen.add("dynamic file has the configuration: true");
            seen.add("dynamic file name ends with the version: " + dynamic.getFileName().toString().endsWith("." + versionOf(new String(z.getConfig(false, null), StandardCharsets.UTF_8))));

            int acks = load.ackCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ackCount() > acks + 20);
            load.stopWriting();
            seen.add("sessions expired: " + load.expired());
        }
        return seen;
    }

    private static String change(ZooKeeperAdmin z, WriteLoad load, Map<String, Long> stalls, String name, String joining, String leaving)
            throws Exception {
        return change(z, load, stalls, name, joining, leaving, null);
    }

    private static String change(ZooKeeperAdmin z, WriteLoad load, Map<String, Long> stalls, String name, String joining, String leaving,
                                 String newMembers) throws Exception {
        String before = new String(z.getConfig(false, null), StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        byte[] result = null;
        for (int attempt = 1; result == null; attempt++) {
            try {
                result = z.reconfigure(joining, leaving, newMembers, -1, new Stat());
            } catch (KeeperException.ConnectionLossException lost) {
                // ZooKeeper drops every client connection when its leader changes, the asking one too:
                // the change may have happened all the same, or not at all, as a careful operator
                // checks before asking again. Its members must differ, not only the text: the server
                // the client reconnects to may hold the same members under another version line (a
                // new leader's own configuration entry).
                System.out.printf("[reconfig-differential] %s: connection loss (attempt %d); reading the configuration again%n", name, attempt);
                result = appliedAfterLoss(z, before, newMembers);
                if (result == null && attempt == 3) throw lost;
            }
        }
        int acks = load.ackCount();
        await("writes after " + name).atMost(Duration.ofSeconds(60)).until(() -> load.ackCount() > acks + 20);
        stalls.put(name, load.longestStallMillis(t0, System.nanoTime()));
        System.out.printf("[reconfig-differential] %s answered in %d ms%n", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return new String(result, StandardCharsets.UTF_8);
    }

    /** The configuration once the change shows, or null when it has not shown within 20 s (it was lost with the connection). */
    private static byte[] appliedAfterLoss(ZooKeeperAdmin z, String before, String newMembers) {
        byte[][] seen = new byte[1][];
        Map<Integer, String> membersBefore = ReconfigTest.members(before);
        // A wholesale change names its outcome: wait for exactly those members. ("before" came from
        // the server this client was on, which may not yet have applied the previous change, so
        // "differs from before" alone can be met by that previous change.)
        java.util.Set<Integer> named = newMembers == null ? null : ReconfigTest.members(String.join("\n", newMembers.split(","))).keySet();
        try {
            await("the change").atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                seen[0] = z.getConfig(false, null);
                Map<Integer, String> now = ReconfigTest.members(new String(seen[0], StandardCharsets.UTF_8));
                return named != null ? now.keySet().equals(named) : !now.equals(membersBefore);
            });
            return seen[0];
        } catch (org.awaitility.core.ConditionTimeoutException notApplied) {
            return null;
        }
    }

    private static Stat statOf(ZooKeeperAdmin z) throws Exception {
        Stat stat = new Stat();
        z.getConfig(false, stat);
        return stat;
    }

    private static String versionOf(String config) {
        return config.lines().filter(l -> l.startsWith("version=")).findFirst().orElse("version=").substring(8);
    }

    /** How the config text's version relates to the znode's stat. */
    private static String versionLine(String config, Stat stat) {
        String v = versionOf(config);
        if (v.isEmpty()) return "missing";
        return "hex, " + (Long.parseLong(v, 16) == stat.getMzxid() ? "equal to mzxid" : "not mzxid (" + v + " vs " + Long.toHexString(stat.getMzxid()) + ")");
    }

    private static boolean everyServerHas(DynamicEnsemble e, String config, int... ids) throws Exception {
        for (int id : ids) {
            try (ZooKeeperAdmin one = ReconfigTest.admin(e.connectString(id))) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> new String(one.getConfig(false, null), StandardCharsets.UTF_8).equals(config));
            } catch (org.awaitility.core.ConditionTimeoutException ex) {
                return false;
            }
        }
        return true;
    }

    private static List<String> dynamicFileLines(Path file) {
        try (Stream<String> l = Files.lines(file)) {
            return l.filter(s -> s.startsWith("server.")).sorted().toList();
        } catch (java.io.IOException ex) {
            return List.of();
        }
    }

    private static List<String> sorted(List<String> lines) {
        return List.copyOf(new TreeSet<>(lines));
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static String code(Call call) throws Exception {
        try {
            call.run();
            return "ok";
        } catch (KeeperException ex) {
            return ex.code().name();
        }
    }
}
