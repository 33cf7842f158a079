package dev.meerkat.wire.security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DIGEST-MD5 exchange of a ZooKeeper client (the JDK's SASL client, as ZooKeeper's uses it) against the server side. */
class SaslAuthenticatorTest {
    private Configuration previous;

    @BeforeEach
    void jaas() {
        previous = Configuration.getConfiguration();
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                if (!name.equals("Server")) return null;
                return new AppConfigurationEntry[]{new AppConfigurationEntry("org.apache.zookeeper.server.auth.DigestLoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("user_bob", "bob-secret", "user_super", "s"))};
            }
        });
    }

    @AfterEach
    void restore() {
        Configuration.setConfiguration(previous);
    }

    private static String exchange(String user, String password) throws SaslException {
        SaslAuthenticator auth = SaslAuthenticator.fromJaas("Server", new KerberosNames(false, false));
        assertThat(auth.mechanism()).isEqualTo("DIGEST-MD5");
        SaslClient client = Sasl.createSaslClient(new String[]{"DIGEST-MD5"}, user, "zookeeper", "zk-sasl-md5", null, callbacks -> {
            for (var c : callbacks) {
                if (c instanceof NameCallback n) n.setName(user);
                else if (c instanceof PasswordCallback p) p.setPassword(password.toCharArray());
                else if (c instanceof RealmCallback r) r.setText(r.getDefaultText());
            }
        });
        SaslAuthenticator.Exchange server = auth.newExchange();
        byte[] token = server.evaluate(new byte[0]);
        while (!server.isComplete()) {
            byte[] response = client.evaluateChallenge(token);
            token = server.evaluate(response);
        }
        if (token != null) client.evaluateChallenge(token);
        return server.authorizedId();
    }

    @Test
    void theRightPasswordGivesTheUserNameAsIdentity() throws Exception {
        assertThat(exchange("bob", "bob-secret")).isEqualTo("bob");
    }

    @Test
    void aWrongPasswordOrAnUnknownUserFails() {
        assertThatThrownBy(() -> exchange("bob", "wrong")).isInstanceOf(SaslException.class);
        assertThatThrownBy(() -> exchange("mallory", "x")).isInstanceOf(SaslException.class);
    }

    @Test
    void noServerSectionMeansNoSasl() {
        assertThat(SaslAuthenticator.fromJaas("NoSuchSection", new KerberosNames(false, false))).isNull();
    }

    @Test
    void principalsFollowZooKeepersRules() {
        assertThat(new KerberosNames(false, false).authorizedId("bob")).isEqualTo("bob");
        assertThat(new KerberosNames(false, false).authorizedId("kafka/host1@OTHER.REALM")).as("no rule applies").isEqualTo("kafka/host1@OTHER.REALM");
    }
}
