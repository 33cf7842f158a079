package dev.meerkat.wire.transport;

import io.vertx.core.Context;

/** A Vert.x event-loop context as an {@link EventLoop} (the TLS client port runs on Vert.x). */
public final class VertxEventLoop implements EventLoop {
    private final Context context;

    public VertxEventLoop(Context context) {
        this.context = context;
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public long setTimer(long delayMs, Runnable task) {
        // Called on the context, so Vert.x runs the handler on it too.
        return context.owner().setTimer(Math.max(1, delayMs), id -> task.run());
    }

    @Override
    public void cancelTimer(long timerId) {
        context.owner().cancelTimer(timerId);
    }
}
