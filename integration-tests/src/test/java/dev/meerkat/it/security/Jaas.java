package dev.meerkat.it.security;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JAAS configuration installed for one test class and put back afterwards. Its section names
 * are the test's own (the server's {@code Server}, clients' {@code Client-...}), so the official
 * clients of other tests, which look for {@code Client}, find nothing and use no SASL.
 */
public final class Jaas extends Configuration implements AutoCloseable {
    public static final String DIGEST_MODULE = "org.apache.zookeeper.server.auth.DigestLoginModule";
    private final Map<String, AppConfigurationEntry[]> sections = new HashMap<>();
    private final Configuration previous;

    public Jaas() {
        Configuration p;
        try {
            p = Configuration.getConfiguration();
        } catch (SecurityException e) {
            p = null;
        }
        previous = p;
        Configuration.setConfiguration(this);
    }

    public Jaas section(String name, String module, Map<String, ?> options) {
        sections.put(name, new AppConfigurationEntry[]{
                new AppConfigurationEntry(module, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)});
        return this;
    }

    /** ZooKeeper's server section for DIGEST-MD5: {@code user_<name>="<password>"}. */
    public Jaas digestServer(String name, Map<String, String> users) {
        Map<String, String> options = new HashMap<>();
        users.forEach((u, p) -> options.put("user_" + u, p));
        return section(name, DIGEST_MODULE, options);
    }

    public Jaas digestClient(String name, String user, String password) {
        return section(name, DIGEST_MODULE, Map.of("username", user, "password", password));
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        return sections.get(name);
    }

    List<String> names() {
        return List.copyOf(sections.keySet());
    }

    @Override
    public void close() {
        Configuration.setConfiguration(previous);
    }
}
