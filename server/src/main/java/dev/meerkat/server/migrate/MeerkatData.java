package dev.meerkat.server.migrate;

import dev.meerkat.core.command.CommandCodec;
import dev.meerkat.core.log.ChronicleLogStore;
import dev.meerkat.core.log.EntryKind;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.storage.DataDirectory;
import dev.meerkat.core.storage.DataDirectoryException;
import dev.meerkat.core.storage.SnapshotFile;
import dev.meerkat.core.storage.SnapshotStore;

import dev.meerkat.core.storage.UnsyncBufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The state a Meerkat data directory holds, recovered as a starting node recovers it: the newest
 * intact snapshot, then every log entry after it applied by the same {@link StateMachine}. Holds
 * the directory's lock meanwhile, so it refuses a directory a running server uses.
 */
final class MeerkatData {

    record Loaded(StateMachine state, String snapshot, long entriesReplayed) {
    }

    private MeerkatData() {
    }

    static Loaded load(Path dataDir, Path dataLogDir, ConsoleProgress progress) throws MigrationException {
        if (!Files.isRegularFile(dataDir.resolve(ImportTarget.FORMAT))) {
            throw new MigrationException(MigrationException.BAD_INPUT, dataDir + " is not a Meerkat data directory (it has no "
                    + ImportTarget.FORMAT + " file)");
        }
        DataDirectory dir;
        try {
            dir = DataDirectory.open(dataDir, dataLogDir);
        } catch (DataDirectoryException e) {
            boolean inUse = e.getMessage().contains("in use");
            throw new MigrationException(inUse ? MigrationException.TARGET_IN_USE : MigrationException.BAD_INPUT,
                    e.getMessage() + (inUse ? "; stop Meerkat before exporting" : ""), e);
        }
        try (dir; ChronicleLogStore log = ChronicleLogStore.open(dir.logDirectory())) {
            SnapshotStore store = SnapshotStore.open(dir.snapshotDirectory());
            Optional<SnapshotFile> newest = store.newestValid();
            StateMachine state;
            String from;
            if (newest.isPresent()) {
                SnapshotFile f = newest.get();
                if (f.index() < log.snapshotIndex()) {
                    throw new MigrationException(MigrationException.BAD_INPUT, "the newest intact snapshot (" + f + ") is older than the log's"
                            + " start (" + log.firstIndex() + "): the entries in between are gone");
                }
                progress.phase("reading " + f.path(), f.size());
                try (DataInputStream in = new DataInputStream(new UnsyncBufferedInputStream(f.open(), 1 << 16))) {
                    state = SnapshotCodec.read(in).stateMachine();
                }
                from = f.path().toString();
            } else {
                if (log.snapshotIndex() > 0) {
                    throw new MigrationException(MigrationException.BAD_INPUT, "the log starts at " + log.firstIndex()
                            + " but no intact snapshot covers what came before");
                }
                state = new StateMachine();
                from = "an empty tree";
            }
            long last = log.lastIndex();
            long replayed = 0;
            progress.phase("replaying log entries " + (state.lastApplied() + 1) + " to " + last, 0);
            for (long i = state.lastApplied() + 1; i <= last; ) {
                List<LogEntry> batch = log.entries(i, last + 1, 8L << 20);
                for (LogEntry e : batch) {
                    // As a starting node applies its log: commands through the state machine, the rest skipped.
                    if (e.kind() == EntryKind.COMMAND) state.apply(e.index(), CommandCodec.decode(e.data()));
                    else state.skip(e.index());
                    replayed++;
                }
                i += batch.size();
                progress.count("log entries replayed", replayed);
            }
            progress.endLine();
            return new Loaded(state, from, replayed);
        } catch (IOException e) {
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot read " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MigrationException(MigrationException.BAD_INPUT, "cannot recover " + dataDir + ": " + e, e);
        }
    }
}
