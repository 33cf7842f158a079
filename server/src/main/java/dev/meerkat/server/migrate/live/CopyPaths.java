package dev.meerkat.server.migrate.live;

/**
 * Where a copied znode lives on each side: paths relative to the copied root ("/" is the root
 * itself) map to the source's and the target's chroot. ZooKeeper's and Meerkat's own
 * {@code /zookeeper} is left alone whenever either side copies from or into "/".
 */
record CopyPaths(String sourceRoot, String targetRoot) {
    private static final String SYSTEM = "zookeeper";

    boolean excluded(String rel) {
        boolean rootInvolved = sourceRoot.equals("/") || targetRoot.equals("/");
        return rootInvolved && (rel.equals("/" + SYSTEM) || rel.startsWith("/" + SYSTEM + "/"));
    }

    /** Whether a child name of the copied root is the system subtree. */
    boolean isSystemChild(String name) {
        return targetRoot.equals("/") && name.equals(SYSTEM);
    }

    String sourcePath(String rel) {
        return join(sourceRoot, rel);
    }

    String targetPath(String rel) {
        return join(targetRoot, rel);
    }

    /** A source path as a path relative to the copied root, or null when outside it. */
    String relative(String sourcePath) {
        if (sourceRoot.equals("/")) return sourcePath;
        if (sourcePath.equals(sourceRoot)) return "/";
        if (sourcePath.startsWith(sourceRoot + "/")) return sourcePath.substring(sourceRoot.length());
        return null;
    }

    private static String join(String root, String rel) {
        if (root.equals("/")) return rel;
        return rel.equals("/") ? root : root + rel;
    }

    static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    static String parent(String path) {
        if (path.equals("/")) return null;
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    static int depth(String path) {
        int d = 0;
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') d++;
        return path.equals("/") ? 0 : d;
    }
}
