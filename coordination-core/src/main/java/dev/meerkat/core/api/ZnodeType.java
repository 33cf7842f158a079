package dev.meerkat.core.api;

/**
 * How ZooKeeper encodes special node kinds in {@link Stat#ephemeralOwner()}: containers carry
 * {@code Long.MIN_VALUE}; TTL nodes carry the high byte 0xff and the TTL in the low 40 bits.
 * We keep ZooKeeper's encoding internally (and in snapshots); clients see 0 for both, as from ZooKeeper.
 */
public final class ZnodeType {
    public static final long CONTAINER_OWNER = Long.MIN_VALUE;
    private static final long EXTENDED_MASK = 0xff00000000000000L;
    private static final long RESERVED_BITS_MASK = 0x00ffff0000000000L;
    public static final long MAX_TTL = ~(EXTENDED_MASK | RESERVED_BITS_MASK);

    private ZnodeType() {
    }

    public static long ttlOwner(long ttl) {
        return EXTENDED_MASK | ttl;
    }

    public static boolean isContainer(long ephemeralOwner) {
        return ephemeralOwner == CONTAINER_OWNER;
    }

    public static boolean isTtl(long ephemeralOwner) {
        return ephemeralOwner != CONTAINER_OWNER && (ephemeralOwner & EXTENDED_MASK) == EXTENDED_MASK;
    }

    public static long ttlOf(long ephemeralOwner) {
        return ephemeralOwner & MAX_TTL;
    }

    /** True for a real session owner (an ephemeral node). */
    public static boolean isEphemeralOwner(long ephemeralOwner) {
        return ephemeralOwner != 0 && !isContainer(ephemeralOwner) && !isTtl(ephemeralOwner);
    }
}
