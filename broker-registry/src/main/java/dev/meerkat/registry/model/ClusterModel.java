package dev.meerkat.registry.model;

import java.util.SortedMap;

/** A cluster's published view: the summary and every topic. */
public record ClusterModel(ClusterView summary, SortedMap<String, TopicView> topics) {
}
