package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.Perms;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One shared list per distinct ACL, counted, found again by content or by the reference it handed out. */
class AclTableTest {
    private static List<Acl> secret() {
        return new ArrayList<>(List.of(new Acl(Perms.ALL, new AuthId("digest", "alice:hash")), new Acl(Perms.READ, AuthId.ANYONE)));
    }

    @Test
    void equalListsShareOneCopyUntilTheLastUseIsReleased() {
        AclTable table = new AclTable();
        List<Acl> first = table.intern(secret());
        List<Acl> second = table.intern(secret());
        List<Acl> again = table.intern(first);
        assertThat(second).isSameAs(first);
        assertThat(again).isSameAs(first);
        assertThat(first).isEqualTo(secret());
        List<Acl> open = table.intern(Acl.OPEN_ACL_UNSAFE);
        assertThat(table.size()).isEqualTo(2);

        table.release(first);
        table.release(second);
        assertThat(table.size()).isEqualTo(2);
        table.release(again);
        assertThat(table.size()).as("the secret list is gone with its last use").isEqualTo(1);
        assertThat(table.intern(secret())).as("a new copy once the old one is gone").isNotSameAs(first).isEqualTo(first);

        table.release(open);
        assertThatThrownBy(() -> table.release(open)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theOpenAclIsKeptAsTheSharedConstantHoweverItFirstCame() {
        AclTable table = new AclTable();
        // As a snapshot's loader or a client's decoded request brings it: an equal list of its own.
        List<Acl> decoded = new ArrayList<>(List.of(new Acl(Perms.ALL, new AuthId("world", "anyone"))));
        assertThat(table.intern(decoded)).isSameAs(Acl.OPEN_ACL_UNSAFE);
        assertThat(table.intern(Acl.OPEN_ACL_UNSAFE)).isSameAs(Acl.OPEN_ACL_UNSAFE);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aListItDidNotHandOutCannotBeReleasedEvenWhenEqual() {
        AclTable table = new AclTable();
        table.intern(secret());
        assertThatThrownBy(() -> table.release(secret())).isInstanceOf(IllegalStateException.class);
        assertThat(table.size()).isEqualTo(1);
        table.clear();
        assertThat(table.size()).isZero();
    }
}
