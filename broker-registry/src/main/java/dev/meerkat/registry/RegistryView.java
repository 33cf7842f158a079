package dev.meerkat.registry;

import dev.meerkat.registry.model.ClusterModel;

import java.util.SortedMap;

/**
 * Everything the registry publishes at once, immutable: what HTTP handlers and meters read.
 *
 * @param version bumps on every publication, so readers can cache what they derive from a view
 * @param ready   false until the first full read of the tree is in
 */
public record RegistryView(long version, long zxid, boolean ready, SortedMap<String, ClusterModel> clusters) {
}
