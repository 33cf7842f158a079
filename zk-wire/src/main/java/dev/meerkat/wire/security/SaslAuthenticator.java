package dev.meerkat.wire.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server side of ZooKeeper's SASL, configured as ZooKeeper is: by the JAAS {@code Server}
 * section (the file named by {@code java.security.auth.login.config}). With a Kerberos login
 * module in it (the JDK's {@code Krb5LoginModule}, keytab and principal), clients authenticate with
 * GSSAPI; otherwise with DIGEST-MD5 against the section's {@code user_<name>="<password>"} entries
 * (ZooKeeper's {@code DigestLoginModule}, whose options are read here without loading the class).
 * The identity a client gets follows ZooKeeper's principal rules ({@link KerberosNames}).
 */
public final class SaslAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(SaslAuthenticator.class);
    /** ZooKeeper's DIGEST-MD5 protocol and server name: the client's digest-uri must be {@code zookeeper/zk-sasl-md5}. */
    static final String PROTOCOL = "zookeeper";
    static final String DIGEST_SERVER_NAME = "zk-sasl-md5";

    private final Map<String, String> digestUsers;
    private final Subject kerberosSubject;
    private final String kerberosPrincipal;
    private final KerberosNames names;

    private SaslAuthenticator(Map<String, String> digestUsers, Subject kerberosSubject, String kerberosPrincipal, KerberosNames names) {
        this.digestUsers = Map.copyOf(digestUsers);
        this.kerberosSubject = kerberosSubject;
        this.kerberosPrincipal = kerberosPrincipal;
        this.names = names;
    }

    /**
     * The authenticator of JAAS section {@code section} of the JVM's login configuration, or null
     * when there is no such section (SASL is then not offered, as on ZooKeeper). Logs in to
     * Kerberos when the section asks for it: blocking, at start-up.
     */
    public static SaslAuthenticator fromJaas(String section, KerberosNames names) {
        AppConfigurationEntry[] entries;
        try {
            entries = Configuration.getConfiguration().getAppConfigurationEntry(section);
        } catch (SecurityException | IllegalArgumentException e) {
            // No login configuration at all (java.security.auth.login.config unset or unreadable).
            if (System.getProperty("java.security.auth.login.config") != null) {
                throw new IllegalStateException("cannot read the JAAS configuration " + System.getProperty("java.security.auth.login.config")
                        + ": " + e.getMessage(), e);
            }
            return null;
        }
        if (entries == null) return null;
        Map<String, String> users = new HashMap<>();
        AppConfigurationEntry kerberos = null;
        for (AppConfigurationEntry e : entries) {
            String module = e.getLoginModuleName();
            if (module.endsWith("Krb5LoginModule")) {
                kerberos = e;
            } else if (module.endsWith("DigestLoginModule")) {
                e.getOptions().forEach((k, v) -> {
                    if (k.startsWith("user_")) users.put(k.substring("user_".length()), String.valueOf(v));
                });
            } else {
                LOG.warn("JAAS section {}: login module {} is not one Meerkat knows (ZooKeeper's DigestLoginModule or the JDK's Krb5LoginModule); ignored",
                        section, module);
            }
        }
        if (kerberos == null) {
            LOG.info("SASL: DIGEST-MD5 with {} user(s) from JAAS section {}", users.size(), section);
            return new SaslAuthenticator(users, null, null, names);
        }
        Subject subject = kerberosLogin(section, kerberos);
        KerberosPrincipal principal = subject.getPrincipals(KerberosPrincipal.class).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("JAAS section " + section + ": the Kerberos login gave no principal"));
        LOG.info("SASL: GSSAPI (Kerberos) as {} from JAAS section {}", principal.getName(), section);
        return new SaslAuthenticator(users, subject, principal.getName(), names);
    }

    private static Subject kerberosLogin(String section, AppConfigurationEntry entry) {
        Configuration only = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[]{entry};
            }
        };
        try {
            LoginContext login = new LoginContext(section, new Subject(), callbacks -> {
                throw new UnsupportedCallbackException(callbacks[0], "the server's Kerberos login must use a keytab");
            }, only);
            login.login();
            return login.getSubject();
        } catch (LoginException e) {
            throw new IllegalStateException("Kerberos login of JAAS section " + section + " failed: " + e.getMessage(), e);
        }
    }

    /** The mechanism clients must use. */
    public String mechanism() {
        return kerberosSubject != null ? "GSSAPI" : "DIGEST-MD5";
    }

    /** One connection's exchange; not thread-safe (one connection, one event loop). */
    public Exchange newExchange() {
        return new Exchange();
    }

    /** The SASL conversation of one connection. */
    public final class Exchange {
        private SaslServer server;
        private String authorizedId;

        /** Answers one client token; the identity is known once {@link #isComplete()}. */
        public byte[] evaluate(byte[] token) throws SaslException {
            if (server == null) server = createServer(this);
            byte[] out = server.evaluateResponse(token == null ? new byte[0] : token);
            if (server.isComplete()) authorizedId = server.getAuthorizationID();
            return out;
        }

        public boolean isComplete() {
            return server != null && server.isComplete();
        }

        public String authorizedId() {
            return authorizedId;
        }
    }

    private SaslServer createServer(Exchange exchange) throws SaslException {
        CallbackHandler handler = this::handle;
        if (kerberosSubject == null) {
            return Sasl.createSaslServer("DIGEST-MD5", PROTOCOL, DIGEST_SERVER_NAME, null, handler);
        }
        KerberosNames.Name me = KerberosNames.Name.parse(kerberosPrincipal);
        try {
            return Subject.doAs(kerberosSubject, (PrivilegedExceptionAction<SaslServer>) () ->
                    Sasl.createSaslServer("GSSAPI", me.service(), me.host(), null, handler));
        } catch (PrivilegedActionException e) {
            throw e.getException() instanceof SaslException s ? s : new SaslException("GSSAPI server", e.getException());
        }
    }

    private void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (Callback c : callbacks) {
            if (c instanceof NameCallback n) {
                user = n.getDefaultName();
                n.setName(user);
            } else if (c instanceof PasswordCallback p) {
                String password = user == null ? null : digestUsers.get(user);
                // An unknown user gets no password: the exchange fails, as on ZooKeeper.
                if (password != null) p.setPassword(password.toCharArray());
                else LOG.warn("SASL: no password for user {}", user);
            } else if (c instanceof RealmCallback r) {
                r.setText(r.getDefaultText());
            } else if (c instanceof AuthorizeCallback a) {
                a.setAuthorized(true);
                a.setAuthorizedID(names.authorizedId(a.getAuthenticationID()));
            } else {
                throw new UnsupportedCallbackException(c, "unrecognised SASL callback");
            }
        }
    }

    /** The DIGEST-MD5 user names configured (for the log and tests). */
    public Set<String> digestUserNames() {
        return digestUsers.keySet();
    }
}
