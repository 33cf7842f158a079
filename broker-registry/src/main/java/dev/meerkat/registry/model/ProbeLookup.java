package dev.meerkat.registry.model;

/** What the reachability probe last found for a broker registration, or null. */
@FunctionalInterface
public interface ProbeLookup {
    ProbeLookup NONE = (chroot, brokerId, epoch) -> null;

    ClusterView.Probe find(String chroot, int brokerId, long epoch);
}
