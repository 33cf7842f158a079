package dev.meerkat.server;

import dev.meerkat.core.storage.DataDirectoryException;
import dev.meerkat.server.config.ConfigException;
import dev.meerkat.server.config.ServerConfig;
import dev.meerkat.server.config.ZooCfgParser;
import dev.meerkat.server.migrate.ExportCommand;
import dev.meerkat.server.migrate.ImportCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar meerkat.jar [zoo.cfg]}: runs one Meerkat node until Ctrl-C or SIGTERM. */
@Command(name = "meerkat", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A ZooKeeper-compatible coordination server. Without a config file: port 2181, data in ./meerkat-data.",
        subcommands = {ImportCommand.class, ExportCommand.class, TransferLeadershipCommand.class})
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "zoo.cfg", description = "ZooKeeper-format configuration file")
    Path configFile;

    @Option(names = "--port", description = "client port (overrides clientPort; 0 = any free port)")
    Integer port;

    @Option(names = "--peer-port", description = "peer port to bind (0 = any free port) while this server's server.N line keeps"
            + " the address the others reach it at (behind a relay, a NAT or a container port map)")
    Integer peerPort;

    @Option(names = "--data-dir", description = "data directory (overrides dataDir)")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        // This process is a server and nothing else, so Chronicle may go without the native binding
        // that only its own msync would use (the log fdatasyncs). Chronicle's first load overlaps
        // reading the config, logging's and the client port's set-up; a failure here shows again,
        // with its context, when the log is opened.
        dev.meerkat.core.log.ChronicleLogStore.withoutNativePosix();
        dev.meerkat.core.util.OwnThread.supply("meerkat-log-preload", () -> {
            dev.meerkat.core.log.ChronicleLogStore.preload();
            return null;
        });
        ServerConfig config;
        try {
            ZooCfgParser parser = new ZooCfgParser().withSystemProperties(System.getProperties());
            config = configFile == null ? parser.parseDefaults() : parser.parse(configFile);
        } catch (ConfigException e) {
            System.err.println("meerkat: " + e.getMessage());
            return 2;
        }
        if (port != null) config = config.withClientPort(port);
        if (dataDir != null) config = config.withDataDir(dataDir);
        if (peerPort != null) config = config.withEnsemble(config.ensemble().withPeerBindPort(peerPort));
        Meerkat meerkat;
        try {
            meerkat = Meerkat.start(config);
        } catch (ConfigException e) {
            System.err.println("meerkat: " + e.getMessage());
            return 2;
        } catch (DataDirectoryException | IllegalStateException e) {
            System.err.println("meerkat: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // Anything else that stops a start is still one line, with what the exception says.
            System.err.println("meerkat: could not start: " + e);
            return 1;
        }
        // A server that can no longer do its job stops serving and exits, so that clients and
        // supervisors see it gone rather than talk to a zombie.
        meerkat.node().onFailure(t -> new Thread(() -> {
            System.err.println("meerkat: stopping: " + t.getMessage());
            System.exit(1);
        }, "meerkat-fail-stop").start());
        LOG.info("Meerkat ready: clients connect to {} (data in {}; {})", meerkat.connectString(),
                config.inMemory() ? "memory" : config.dataDir().toAbsolutePath(), meerkat.node().cluster());
        // Printed on stdout so scripts and tests can read the bound port back.
        System.out.println("MEERKAT_READY port=" + meerkat.port() + (meerkat.peerPort() > 0 ? " peerPort=" + meerkat.peerPort() : "")
                + (meerkat.securePort() > 0 ? " securePort=" + meerkat.securePort() : "")
                + (meerkat.adminPort() > 0 ? " adminPort=" + meerkat.adminPort() : ""));
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            meerkat.close();
            stopped.countDown();
        }, "meerkat-shutdown"));
        stopped.await();
        return 0;
    }

    /** --version: Meerkat's version and the ZooKeeper release whose protocol and operations it matches. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"Meerkat " + dev.meerkat.wire.server.Versions.MEERKAT
                    + " (ZooKeeper " + dev.meerkat.wire.server.Versions.ZOOKEEPER + " protocol)"};
        }
    }

    public static void main(String[] args) {
        int code;
        if (isPlainStart(args)) {
            // What picocli would do for these arguments, without building its model (a tenth of a
            // second of a cold start): `meerkat` or `meerkat zoo.cfg`.
            Main main = new Main();
            main.configFile = args.length == 1 ? Path.of(args[0]) : null;
            try {
                code = main.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 1;
            }
        } else {
            code = new CommandLine(new Main()).execute(args);
        }
        if (code != 0) System.exit(code);
    }

    /**
     * The subcommands' names, as their {@code @Command} annotations give them (MainTest checks): read
     * from here, not the annotations, whose first reading costs a cold JVM some 25 ms of proxies.
     */
    static final java.util.Set<String> SUBCOMMANDS = java.util.Set.of("import", "export", "transfer-leadership");

    /** No arguments, or one that is neither an option nor a subcommand's name. */
    static boolean isPlainStart(String[] args) {
        if (args.length == 0) return true;
        return args.length == 1 && !args[0].isEmpty() && !args[0].startsWith("-") && !SUBCOMMANDS.contains(args[0]);
    }
}
