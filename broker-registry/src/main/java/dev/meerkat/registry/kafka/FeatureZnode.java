package dev.meerkat.registry.kafka;

import java.util.List;
import java.util.Map;

/** {@code feature}: the finalized features of the cluster; status 1 = enabled, 0 = disabled. */
public record FeatureZnode(int version, int status, Map<String, List<Integer>> features) {
}
