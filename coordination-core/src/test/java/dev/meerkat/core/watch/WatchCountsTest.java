package dev.meerkat.core.watch;

import dev.meerkat.core.api.EventType;
import dev.meerkat.core.api.WatchEvent;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watch counts kept as watches come and go equal ZooKeeper's counts computed from the tables:
 * a watcher on a path counts once in the data table (DATA, PERSISTENT, RECURSIVE) and once in the
 * child table (CHILD, PERSISTENT), whatever else fires, is removed or disconnects.
 */
class WatchCountsTest {

    @RepeatedTest(30)
    void countsFollowEveryChange(RepetitionInfo rep) {
        Random random = new Random(rep.getCurrentRepetition());
        WatchManager m = new WatchManager();
        List<Watcher> watchers = List.of(e -> { }, e -> { }, e -> { }, e -> { });
        List<String> paths = List.of("/", "/a", "/a/b", "/a/b/c", "/d");
        for (int step = 0; step < 2000; step++) {
            Watcher w = watchers.get(random.nextInt(watchers.size()));
            String path = paths.get(random.nextInt(paths.size()));
            WatchKind kind = WatchKind.values()[random.nextInt(4)];
            switch (random.nextInt(5)) {
                case 0, 1 -> m.add(kind, path, w);
                case 2 -> m.remove(kind, path, w);
                case 3 -> m.trigger(new WatchEvent(EventType.values()[1 + random.nextInt(4)], path, step));
                default -> {
                    if (random.nextInt(10) == 0) m.removeAll(w);
                }
            }
            assertCounts(m, watchers, paths);
        }
    }

    private static void assertCounts(WatchManager m, List<Watcher> watchers, List<String> paths) {
        int dataPairs = 0;
        int childPairs = 0;
        Set<String> dataPaths = new HashSet<>();
        Set<Watcher> dataWatchers = new HashSet<>();
        for (Watcher w : watchers) {
            for (String p : paths) {
                boolean data = m.contains(WatchKind.DATA, p, w) || m.contains(WatchKind.PERSISTENT, p, w) || m.contains(WatchKind.RECURSIVE, p, w);
                boolean child = m.contains(WatchKind.CHILD, p, w) || m.contains(WatchKind.PERSISTENT, p, w);
                if (data) {
                    dataPairs++;
                    dataPaths.add(p);
                    dataWatchers.add(w);
                }
                if (child) childPairs++;
            }
        }
        assertThat(m.dataWatchCount()).isEqualTo(dataPairs);
        assertThat(m.watchCount()).isEqualTo(dataPairs + childPairs);
        assertThat(m.dataWatchPathCount()).isEqualTo(dataPaths.size());
        assertThat(m.dataWatcherCount()).isEqualTo(dataWatchers.size());
        Map<Watcher, Set<String>> byWatcher = m.dataWatchesByWatcher();
        assertThat(byWatcher.keySet()).isEqualTo(dataWatchers);
        assertThat(byWatcher.values().stream().mapToInt(Set::size).sum()).isEqualTo(dataPairs);
        assertThat(m.dataWatchesByPath().keySet()).isEqualTo(dataPaths);
    }
}
