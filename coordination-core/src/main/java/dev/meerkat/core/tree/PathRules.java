package dev.meerkat.core.tree;

import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.api.KeeperError;

/** ZooKeeper's rules for a valid znode path. A bad path is BAD_ARGUMENTS, as the server answers it. */
public final class PathRules {

    private PathRules() {
    }

    public static void validate(String path) throws KeeperError {
        String problem = problem(path);
        if (problem != null) throw new KeeperError(ErrorCode.BAD_ARGUMENTS, problem + ": " + path);
    }

    /** Returns why the path is invalid, or null when it is fine. */
    public static String problem(String path) {
        if (path == null) return "path is null";
        if (path.isEmpty()) return "path is empty";
        if (path.charAt(0) != '/') return "path must start with /";
        if (path.length() == 1) return null;
        if (path.charAt(path.length() - 1) == '/') return "path must not end with /";
        char last = '/';
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0) return "null character not allowed";
            if (c == '/' && last == '/') return "empty node name";
            if (c == '.' && last == '.' && path.charAt(i - 2) == '/' && (i + 1 == path.length() || path.charAt(i + 1) == '/')) {
                return "relative paths not allowed";
            }
            if (c == '.' && last == '/' && (i + 1 == path.length() || path.charAt(i + 1) == '/')) {
                return "relative paths not allowed";
            }
            if ((c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009f')
                    || (c >= '\ud800' && c <= '\uf8ff') || (c >= '\ufff0')) {
                return "invalid character @" + i;
            }
            last = c;
        }
        return null;
    }

    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }
}
