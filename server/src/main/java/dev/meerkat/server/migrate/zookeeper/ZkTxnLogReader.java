package dev.meerkat.server.migrate.zookeeper;

import dev.meerkat.wire.jute.JuteException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.zip.Adler32;

/**
 * Reads one ZooKeeper transaction log ({@code FileTxnLog.FileTxnIterator}):
 * <pre>
 *   FileHeader {int magic "ZKLG", int version, long dbid}
 *   entries: {long Adler32 of the bytes, int length, bytes = TxnHeader + record [+ TxnDigest], byte 'B'}
 *   zero padding to the preallocated size
 * </pre>
 * How a file ends is ZooKeeper's: a zero length (the padding) or an entry cut short (a crash while
 * writing it) ends the file quietly and recovery goes on with the next one; a checksum that does not
 * match, or an entry that does not decode, stops ZooKeeper from starting at all.
 */
final class ZkTxnLogReader {

    /** Receives each entry with its offset in the file. */
    interface Sink {
        void accept(ZkFiles.ZkFile file, long offset, ZkTxn.Entry entry) throws IOException;
    }

    /** How a log file ended. */
    enum EndKind {
        /** At an entry boundary: the end of the file or its zero padding. */
        CLEAN,
        /** Inside an entry that was never completely written; ZooKeeper ignores it. */
        TORN,
        /** At an entry whose checksum fails, given up on because the caller allowed it. */
        DAMAGED
    }

    record End(EndKind kind, long offset, String detail, long entries) {
    }

    private ZkTxnLogReader() {
    }

    /**
     * @param stopAtDamage when true, a checksum failure ends the file like a torn entry (kind
     *                     {@link EndKind#DAMAGED}) instead of failing
     */
    static End read(ZkFiles.ZkFile file, ZkTxnCodec codec, Sink sink, LongConsumer bytesRead, boolean stopAtDamage)
            throws IOException {
        Path path = file.path();
        long size = Files.size(path);
        try (ZkStreamReader in = new ZkStreamReader(
                new ZkSnapshotReader.CountingStream(Files.newInputStream(path), bytesRead), false)) {
            try {
                int magic = in.readInt();
                if (magic != ZkFiles.LOG_MAGIC) {
                    throw new ZkDataException(path, 0, String.format("not a ZooKeeper transaction log (magic 0x%08x, expected \"ZKLG\")", magic));
                }
                in.readInt(); // version
                in.readLong(); // dbid
            } catch (EOFException e) {
                // ZooKeeper deletes an empty newest log (created, then a crash before its header).
                if (size == 0) return new End(EndKind.CLEAN, 0, "empty file", 0);
                throw new ZkDataException(path, in.position(), "the file ends inside its header");
            }
            long entries = 0;
            Adler32 adler = new Adler32();
            while (true) {
                long at = in.position();
                long crc;
                int len;
                try {
                    crc = in.readLong();
                } catch (EOFException e) {
                    return new End(EndKind.CLEAN, at, "end of file", entries);
                }
                try {
                    len = in.readInt();
                } catch (EOFException e) {
                    return new End(EndKind.TORN, at, "the last entry is cut short", entries);
                }
                if (len == 0) return new End(crc == 0 ? EndKind.CLEAN : EndKind.TORN, at, crc == 0 ? "end of data" : "an entry of length 0", entries);
                if (len < 0) throw new ZkDataException(path, at + 8, "entry length " + len + " (ZooKeeper refuses to start on this file)");
                if (len > size - at - 12) return new End(EndKind.TORN, at, "the last entry is cut short (" + len + " bytes announced)", entries);
                byte[] bytes;
                byte eor;
                try {
                    bytes = in.readBytes(len);
                    eor = in.readByte();
                } catch (EOFException e) {
                    return new End(EndKind.TORN, at, "the last entry is cut short", entries);
                }
                if (eor != 'B') return new End(EndKind.TORN, at, "the last entry is incomplete (no end-of-record mark)", entries);
                adler.reset();
                adler.update(bytes, 0, bytes.length);
                if (adler.getValue() != crc) {
                    if (stopAtDamage) return new End(EndKind.DAMAGED, at, "checksum mismatch", entries);
                    throw new ZkDataException(path, at, "transaction checksum mismatch: the log is corrupt here"
                            + " (ZooKeeper refuses to start on it as well)");
                }
                ZkTxn.Entry entry;
                try {
                    entry = codec.decode(bytes);
                } catch (JuteException e) {
                    throw new ZkDataException(path, at, "transaction does not decode: " + e.getMessage(), e);
                }
                sink.accept(file, at, entry);
                entries++;
            }
        }
    }
}
