package dev.meerkat.server.migrate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code meerkat export}: a stopped Meerkat's state as a snapshot Apache ZooKeeper loads. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Writes a stopped Meerkat's tree as a ZooKeeper snapshot (version-2/snapshot.<zxid>) that Apache ZooKeeper"
                        + " 3.5-3.9 loads, with every znode, ACL and stat as Meerkat serves them.",
                "Exit codes: 0 done, 1 bad input, 2 usage, 3 target not empty (see --force), 4 Meerkat still running."})
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "the Meerkat data directory (Meerkat stopped)")
    Path dataDir;

    @Option(names = "--data-log-dir", paramLabel = "DIR", description = "Meerkat's separate log directory, when its zoo.cfg sets dataLogDir")
    Path dataLogDir;

    @Option(names = "--zookeeper-data-dir", paramLabel = "DIR", required = true, description = "ZooKeeper's dataDir to write into")
    Path zookeeperDataDir;

    @Option(names = "--zookeeper-log-dir", paramLabel = "DIR",
            description = "ZooKeeper's dataLogDir, when its zoo.cfg sets one: old logs there must go too")
    Path zookeeperLogDir;

    @Option(names = "--force", description = "replace the snapshots and logs the ZooKeeper directories hold")
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
            Export.Summary s = new Export(new Export.Options(dataDir, dataLogDir, zookeeperDataDir, zookeeperLogDir, force), progress).run();
            progress.endLine();
            Export.print(s, out);
            out.flush();
            return 0;
        } catch (MigrationException e) {
            progress.endLine();
            err.println("meerkat export: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
    }
}
