package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.control.AuthorizationPolicy.Access;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizationPolicyTest {
    @TempDir
    Path tmp;

    @Test
    void fullUsersReadOnlyGroupMembersAndStrangers() throws Exception {
        Path group = tmp.resolve("group");
        Files.writeString(group, "root:x:0:\nadm:x:4:alice,bob\nstaff:x:50:carol\n");
        AuthorizationPolicy p = new AuthorizationPolicy(Set.of("root", "svd"), "adm", group);
        assertThat(p.accessOf(new Peer("root", "root"))).isEqualTo(Access.FULL);
        assertThat(p.accessOf(new Peer("svd", "svd"))).isEqualTo(Access.FULL);
        assertThat(p.accessOf(new Peer("dave", "adm"))).as("primary group").isEqualTo(Access.READ_ONLY);
        assertThat(p.accessOf(new Peer("bob", "bob"))).as("listed member").isEqualTo(Access.READ_ONLY);
        assertThat(p.accessOf(new Peer("carol", "carol"))).isEqualTo(Access.NONE);
        assertThat(p.accessOf(new Peer("65534", "65534"))).as("no passwd entry").isEqualTo(Access.NONE);
    }

    @Test
    void withoutAReadOnlyGroupOnlyFullUsersGetIn() {
        AuthorizationPolicy p = new AuthorizationPolicy(Set.of("root"), "  ", tmp.resolve("absent"));
        assertThat(p.readOnlyGroup()).isNull();
        assertThat(p.accessOf(new Peer("alice", "adm"))).isEqualTo(Access.NONE);
    }

    @Test
    void daemonUserPolicyAllowsRootAndTheCurrentUserEvenWhenTheyAreTheSame() {
        AuthorizationPolicy p = AuthorizationPolicy.forDaemonUser("adm");
        assertThat(p.fullAccessUsers()).contains("root", System.getProperty("user.name"));
    }
}
