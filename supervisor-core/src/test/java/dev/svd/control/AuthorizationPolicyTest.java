package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.control.AuthorizationPolicy.Access;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizationPolicyTest {
    @TempDir
    Path tmp;

    private AuthorizationPolicy policy(String readOnlyGroup) throws Exception {
        Path group = tmp.resolve("group");
        Files.writeString(group, "root:x:0:\nadm:x:4:alice,bob\nstaff:x:50:carol\n");
        Path passwd = tmp.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/sh\nsvd:x:990:990::/:/bin/false\n"
                + "alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n"
                + "carol:x:1003:50::/home/carol:/bin/sh\n");
        return AuthorizationPolicy.of(990, readOnlyGroup, group, passwd);
    }

    @Test
    void fullUsersReadOnlyGroupMembersAndStrangersByNumber() throws Exception {
        AuthorizationPolicy p = policy("adm");
        assertThat(p.accessOf(new Peer("root", "root", 0, 0, 1))).isEqualTo(Access.FULL);
        assertThat(p.accessOf(new Peer("svd", "svd", 990, 990, 1))).isEqualTo(Access.FULL);
        assertThat(p.accessOf(new Peer("dave", "adm", 1004, 4, 1))).as("primary group").isEqualTo(Access.READ_ONLY);
        assertThat(p.accessOf(new Peer("bob", "bob", 1002, 1002, 1))).as("listed member").isEqualTo(Access.READ_ONLY);
        assertThat(p.accessOf(new Peer("carol", "staff", 1003, 50, 1))).isEqualTo(Access.NONE);
        assertThat(p.accessOf(new Peer("65534", "65534", 65534, 65534, 1))).as("no passwd entry").isEqualTo(Access.NONE);
    }

    /** Issue 12: under EMFILE the uid-to-name lookup failed and root, shown as "0", was refused. */
    @Test
    void rootIsRootWhateverItsNameLooksLike() throws Exception {
        AuthorizationPolicy p = policy("adm");
        assertThat(p.accessOf(new Peer("0", "0", 0, 0, 1))).isEqualTo(Access.FULL);
        assertThat(p.accessOf(new Peer("root", "root", 1005, 1005, 1))).as("a name is not an identity")
                .isEqualTo(Access.NONE);
        assertThat(p.accessOf(new Peer("root", "adm", -1, 4, 1))).as("unknown uid").isEqualTo(Access.NONE);
    }

    @Test
    void withoutAReadOnlyGroupOnlyFullUsersGetIn() throws Exception {
        AuthorizationPolicy p = policy("  ");
        assertThat(p.readOnlyGroup()).isNull();
        assertThat(p.accessOf(new Peer("alice", "adm", 1001, 4, 1))).isEqualTo(Access.NONE);
        assertThat(p.accessOf(new Peer("root", "root", 0, 0, 1))).isEqualTo(Access.FULL);
    }

    @Test
    void aGroupWithoutAnEntryLetsNobodyReadByGid() throws Exception {
        AuthorizationPolicy p = policy("nosuch");
        assertThat(p.readOnlyGid()).isEqualTo(-1);
        assertThat(p.accessOf(new Peer("x", "y", 1234, -1, 1))).isEqualTo(Access.NONE);
    }

    @Test
    void namesAsTextResolveToNumbers() throws Exception {
        assertThat(AuthorizationPolicy.uidOf("alice", tmp.resolve("absent"))).isEqualTo(-1);
        policy("adm");
        assertThat(AuthorizationPolicy.uidOf("alice", tmp.resolve("passwd"))).isEqualTo(1001);
        assertThat(AuthorizationPolicy.uidOf("0", tmp.resolve("passwd"))).isEqualTo(0);
        assertThat(AuthorizationPolicy.gidOf("staff", tmp.resolve("group"))).isEqualTo(50);
    }

    @Test
    void daemonUserPolicyAllowsRootAndTheCurrentUserEvenWhenTheyAreTheSame() throws Exception {
        AuthorizationPolicy p = AuthorizationPolicy.forDaemonUser(null);
        int own = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(p.fullAccessUids()).contains(0, own);
    }
}
