package dev.meerkat.core.query;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.Stat;

import java.util.List;

/** Answers to {@link Query}s. */
public sealed interface QueryResult {

    record Data(byte[] data, Stat stat) implements QueryResult {
    }

    record NodeStat(Stat stat) implements QueryResult {
    }

    record Children(List<String> children, Stat stat) implements QueryResult {
    }

    record AclList(List<Acl> acl, Stat stat) implements QueryResult {
    }

    record Paths(List<String> paths) implements QueryResult {
    }

    record Count(int count) implements QueryResult {
    }

    record Multi(List<QueryResult> results) implements QueryResult {
    }

    record Done() implements QueryResult {
    }

    record Error(ErrorCode code) implements QueryResult {
    }
}
