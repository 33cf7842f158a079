package dev.meerkat.server.migrate;

import dev.meerkat.server.migrate.live.LiveCopy;
import dev.meerkat.server.migrate.live.LiveCopyOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code meerkat import}: from a stopped ZooKeeper's files, or live from a running one. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Moves a ZooKeeper tree into Meerkat.",
                "Offline: from a stopped ZooKeeper's data directory into a Meerkat data directory (Meerkat stopped too);"
                        + " the tree, every stat and every zxid are kept, Meerkat's zxids continue after ZooKeeper's.",
                "Live: from a running ZooKeeper (or Meerkat) through the client protocol into a running Meerkat, kept"
                        + " in step until you stop it; the source is only read.",
                "Exit codes: 0 done, 1 bad or damaged input, 2 usage, 3 target not empty (see --force), 4 target in use,"
                        + " 5 a live copy that ended not in step."})
public final class ImportCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--zookeeper-data-dir", paramLabel = "DIR", required = true,
                description = "ZooKeeper's dataDir (holding version-2/snapshot.*) of a stopped ZooKeeper")
        Path zookeeperDataDir;

        @Option(names = "--from-zookeeper", paramLabel = "HOST:PORT[,HOST:PORT...][/CHROOT]", required = true,
                description = "a running ZooKeeper or Meerkat to copy live (only the subtree under CHROOT when given)")
        String fromZookeeper;
    }

    @Option(names = "--zookeeper-log-dir", paramLabel = "DIR", description = "ZooKeeper's dataLogDir, when it is not the dataDir")
    Path zookeeperLogDir;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "offline: the Meerkat data directory to create (empty or missing)")
    Path dataDir;

    @Option(names = "--data-log-dir", paramLabel = "DIR", description = "offline: Meerkat's separate log directory, when its zoo.cfg sets dataLogDir")
    Path dataLogDir;

    @Option(names = "--discard-damaged-tail", description = "offline: import up to a damaged entry of the newest transaction log instead of failing")
    boolean discardDamagedTail;

    @Option(names = "--dry-run", description = "offline: read and check the ZooKeeper data, report, write nothing")
    boolean dryRun;

    @Option(names = "--to", paramLabel = "HOST:PORT[/CHROOT]", defaultValue = "127.0.0.1:2181",
            description = "live: the running Meerkat to copy into (default ${DEFAULT-VALUE}); paths keep the source's chroot unless CHROOT is given")
    String to;

    @Option(names = "--source-auth", paramLabel = "SCHEME:CREDENTIALS", description = "live: authenticate to the source, e.g. digest:reader:secret (repeatable)")
    List<String> sourceAuth = new ArrayList<>();

    @Option(names = "--target-auth", paramLabel = "SCHEME:CREDENTIALS", description = "live: authenticate to Meerkat, e.g. digest:super:secret (repeatable)")
    List<String> targetAuth = new ArrayList<>();

    @Option(names = "--once", description = "live: copy, check once, and exit instead of keeping in step")
    boolean once;

    @Option(names = "--reconcile-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "live: full comparison of source and target every SECONDS (default ${DEFAULT-VALUE})")
    int reconcileSeconds;

    @Option(names = "--report-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "live: status line every SECONDS (default ${DEFAULT-VALUE})")
    int reportSeconds;

    @Option(names = "--force", description = "replace what a non-empty target holds")
    boolean force;

    @Option(names = "--verbose", description = "log what the storage layers do")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CliLogging.quiet(verbose);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConsoleProgress progress = ConsoleProgress.on(err);
        try {
            if (source.zookeeperDataDir != null) {
                if (dataDir == null) return usage("--data-dir is required with --zookeeper-data-dir");
                OfflineImport.Options o = new OfflineImport.Options(source.zookeeperDataDir, zookeeperLogDir, dataDir, dataLogDir,
                        force, discardDamagedTail, dryRun);
                OfflineImport.Summary s = new OfflineImport(o, progress).run();
                progress.endLine();
                OfflineImport.print(s, out, dryRun);
                return 0;
            }
            if (dataDir != null || zookeeperLogDir != null || dataLogDir != null || dryRun || discardDamagedTail) {
                return usage("--data-dir, --zookeeper-log-dir, --data-log-dir, --dry-run and --discard-damaged-tail are for the offline import");
            }
            LiveCopyOptions o = LiveCopyOptions.parse(source.fromZookeeper, to, sourceAuth, targetAuth, once, force,
                    reconcileSeconds, reportSeconds);
            return new LiveCopy(o, out, err).runUntilStopped();
        } catch (MigrationException e) {
            progress.endLine();
            err.println("meerkat import: " + e.getMessage());
            err.flush();
            return e.exitCode();
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } finally {
            out.flush();
        }
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("meerkat import: " + message);
        spec.commandLine().getErr().flush();
        return 2;
    }
}
