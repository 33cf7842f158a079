package dev.meerkat.server.migrate;

import dev.meerkat.server.migrate.zookeeper.ZkRecovery;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a long step on stderr: on a terminal one line rewritten in place a few times a
 * second; otherwise (a log file, a pipe) a line every few seconds, so logs stay readable.
 */
public final class ConsoleProgress implements ZkRecovery.Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final long intervalNanos;
    private String phase;
    private long total;
    private long lastPrint;
    private boolean lineOpen;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? TimeUnit.MILLISECONDS.toNanos(200) : TimeUnit.SECONDS.toNanos(5);
    }

    /** Progress on {@code err}, rewritten in place when a terminal is attached. */
    public static ConsoleProgress on(PrintWriter err) {
        return new ConsoleProgress(err, System.console() != null);
    }

    @Override
    public synchronized void phase(String name, long totalBytes) {
        endLine();
        phase = name;
        total = totalBytes;
        lastPrint = System.nanoTime();
        out.println(name + (totalBytes > 0 ? " (" + bytes(totalBytes) + ")" : "") + " ...");
        out.flush();
    }

    @Override
    public synchronized void advance(long bytesDone, long txns) {
        long now = System.nanoTime();
        if (now - lastPrint < intervalNanos) return;
        lastPrint = now;
        String pct = total > 0 ? String.format(Locale.ROOT, "%3d%% ", Math.min(100, bytesDone * 100 / total)) : "";
        String line = String.format(Locale.ROOT, "  %s%s of %s%s", pct, bytes(bytesDone), bytes(total),
                txns > 0 ? String.format(Locale.ROOT, ", %,d transactions", txns) : "");
        if (terminal) {
            out.print("\r" + line + "   ");
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** A count-only step (znodes written, nodes compared). */
    synchronized void count(String what, long n) {
        long now = System.nanoTime();
        if (now - lastPrint < intervalNanos) return;
        lastPrint = now;
        String line = String.format(Locale.ROOT, "  %,d %s", n, what);
        if (terminal) {
            out.print("\r" + line + "   ");
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    synchronized void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
        out.flush();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
