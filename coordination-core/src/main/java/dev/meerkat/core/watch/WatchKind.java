package dev.meerkat.core.watch;

/**
 * The watch tables. DATA holds getData and exists watches, CHILD getChildren watches (both one-shot);
 * PERSISTENT and RECURSIVE are addWatch's two modes.
 */
public enum WatchKind {
    DATA, CHILD, PERSISTENT, RECURSIVE
}
